//! Bound plans of queries, as snapshots of `display_indent`.

use insta::assert_snapshot;

use crate::test_util::plan;

#[test]
fn select_expressions_and_aliases() {
    assert_snapshot!(plan("SELECT id, name AS n, age + 1, upper(name) FROM people WHERE age > 30"), @r"
    Project [people.id, people.name AS n, (people.age + 1) AS (age + 1), upper(people.name) AS upper(name)]
    +- Filter (people.age > 30)
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
}

#[test]
fn select_without_from_and_literals() {
    assert_snapshot!(plan("SELECT 1, 1L, 2S, 3Y, 1.5, 1.5e3, 1.5D, 2.5BD, 'a', \"b\", true, NULL, -7, X'0A'"), @r#"
Project [1 AS 1, 1 AS 1, 2 AS 2, 3 AS 3, 1.5 AS 1.5, 1500.0 AS 1500.0, 1.5 AS 1.5, 2.5 AS 2.5, a AS a, b AS b, true AS true, NULL AS NULL, -7 AS -7, X'0A' AS X'0A']
+- OneRowRelation
"#);
    assert_snapshot!(plan("SELECT DATE '2020-01-01', TIMESTAMP '2020-01-01 10:00:00', CAST(1 AS string), TRY_CAST('x' AS int), 7::bigint"), @r#"
Project [DATE '2020-01-01' AS DATE '2020-01-01', TIMESTAMP '2020-01-01 10:00:00' AS TIMESTAMP '2020-01-01 10:00:00', CAST(1 AS STRING) AS CAST(1 AS STRING), TRY_CAST(x AS INT) AS TRY_CAST(x AS INT), CAST(7 AS BIGINT) AS CAST(7 AS BIGINT)]
+- OneRowRelation
"#);
}

#[test]
fn wildcards_and_case_insensitive_names() {
    assert_snapshot!(plan("SELECT * FROM people p"), @r"
    Project [p.id, p.name, p.age, p.dept]
    +- SubqueryAlias p
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT P.*, O.AMOUNT FROM People P JOIN orders o ON p.ID = o.person_id"), @r"
    Project [P.id, P.name, P.age, P.dept, o.amount AS AMOUNT]
    +- Join Inner, (P.id = o.person_id)
       :- SubqueryAlias P
       :  +- LocalRelation [id, name, age, dept], 2 rows
       +- SubqueryAlias o
          +- LocalRelation [id, person_id, amount], 1 rows
    ");
}

#[test]
fn operators() {
    assert_snapshot!(plan("SELECT age DIV 3, age % 2, -age, age <=> 1, name || 'x', NOT (age > 1 OR id < 2), age BETWEEN 1 AND 5, age NOT IN (1, 2), name LIKE 'a!%' ESCAPE '!', name ILIKE 'A%', name NOT LIKE 'b', age IS NULL, (age > 1) IS NOT TRUE, age IS DISTINCT FROM id FROM people"), @r"
    Project [(people.age div 3) AS (age div 3), (people.age % 2) AS (age % 2), (- people.age) AS (- age), (people.age <=> 1) AS (age <=> 1), concat(people.name, x) AS concat(name, x), (NOT ((people.age > 1) OR (people.id < 2))) AS (NOT ((age > 1) OR (id < 2))), ((people.age >= 1) AND (people.age <= 5)) AS ((age >= 1) AND (age <= 5)), (NOT (people.age IN (1, 2))) AS (NOT (age IN (1, 2))), people.name LIKE a!% AS name LIKE a!%, ilike(people.name, A%) AS ilike(name, A%), (NOT people.name LIKE b) AS (NOT name LIKE b), (people.age IS NULL) AS (age IS NULL), (NOT ((people.age > 1) <=> true)) AS (NOT ((age > 1) <=> true)), (NOT (people.age <=> people.id)) AS (NOT (age <=> id))]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT CASE WHEN age > 30 THEN 'old' ELSE 'young' END, CASE dept WHEN 'eng' THEN 1 END FROM people"), @r"
    Project [CASE WHEN (people.age > 30) THEN old ELSE young END AS CASE WHEN (age > 30) THEN old ELSE young END, CASE WHEN (people.dept = eng) THEN 1 END AS CASE WHEN (dept = eng) THEN 1 END]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT substring(name FROM 2 FOR 1), trim(BOTH 'a' FROM name), substr(name, 1), coalesce(NULL, name) FROM people"), @r"
    Project [substring(people.name, 2, 1) AS substring(name, 2, 1), trim(people.name, a) AS trim(name, a), substr(people.name, 1) AS substr(name, 1), coalesce(NULL, people.name) AS coalesce(NULL, name)]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
}

#[test]
fn aggregates() {
    assert_snapshot!(plan("SELECT dept, count(*), count(DISTINCT age), sum(age), avg(age), min(name), max(name) FROM people GROUP BY dept"), @r"
    Project [people.dept, count(1), count(DISTINCT age), sum(age), avg(age), min(name), max(name)]
    +- Aggregate [people.dept], [count(1) AS count(1), count(DISTINCT people.age) AS count(DISTINCT age), sum(people.age) AS sum(age), avg(people.age) AS avg(age), min(people.name) AS min(name), max(people.name) AS max(name)]
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT count(*) AS c, sum(age) + 1 FROM people"), @r"
    Project [count(1) AS c, (sum(age) + 1) AS (sum(age) + 1)]
    +- Aggregate [], [count(1) AS count(1), sum(people.age) AS sum(age)]
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT upper(dept) AS d, count(1) FROM people GROUP BY 1"), @r"
    Project [upper(dept) AS d, count(1)]
    +- Aggregate [upper(people.dept) AS upper(dept)], [count(1) AS count(1)]
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT upper(dept) AS d, count(1) c FROM people GROUP BY d HAVING c > 1 AND max(age) > 3"), @r"
    Project [upper(dept) AS d, count(1) AS c]
    +- Filter ((count(1) > 1) AND (max(age) > 3))
       +- Aggregate [upper(people.dept) AS upper(dept)], [count(1) AS count(1), max(people.age) AS max(age)]
          +- SubqueryAlias people
             +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT dept, age, count(*) FROM people GROUP BY ALL"), @r"
    Project [people.dept, people.age, count(1)]
    +- Aggregate [people.dept, people.age], [count(1) AS count(1)]
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
}

#[test]
fn order_by() {
    assert_snapshot!(plan("SELECT name, age AS a FROM people ORDER BY a DESC, 1 NULLS LAST"), @r"
    Sort [a DESC NULLS LAST, people.name ASC NULLS LAST]
    +- Project [people.name, people.age AS a]
       +- SubqueryAlias people
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT name FROM people ORDER BY age + 1, id DESC"), @r"
    Project [people.name]
    +- Sort [(people.age + 1) ASC NULLS FIRST, people.id DESC NULLS LAST]
       +- Project [people.name, people.age, people.id]
          +- SubqueryAlias people
             +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT dept, count(*) AS c FROM people GROUP BY dept ORDER BY c DESC, max(age), dept"), @r"
    Project [people.dept, c]
    +- Sort [c DESC NULLS LAST, max(age) ASC NULLS FIRST, people.dept ASC NULLS FIRST]
       +- Project [people.dept, count(1) AS c, max(age)]
          +- Aggregate [people.dept], [count(1) AS count(1), max(people.age) AS max(age)]
             +- SubqueryAlias people
                +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT DISTINCT dept FROM people ORDER BY dept LIMIT 10 OFFSET 2"), @r"
    Limit 10, offset=2
    +- Sort [people.dept ASC NULLS FIRST]
       +- Distinct
          +- Project [people.dept]
             +- SubqueryAlias people
                +- LocalRelation [id, name, age, dept], 2 rows
    ");
}

#[test]
fn joins() {
    assert_snapshot!(plan("SELECT * FROM people p LEFT JOIN orders o ON p.id = o.person_id"), @r"
    Project [p.id, p.name, p.age, p.dept, o.id, o.person_id, o.amount]
    +- Join LeftOuter, (p.id = o.person_id)
       :- SubqueryAlias p
       :  +- LocalRelation [id, name, age, dept], 2 rows
       +- SubqueryAlias o
          +- LocalRelation [id, person_id, amount], 1 rows
    ");
    assert_snapshot!(plan("SELECT * FROM people a JOIN people b USING (id)"), @r"
    Project [a.id, a.name, a.age, a.dept, b.name, b.age, b.dept]
    +- Project [a.id, a.name, a.age, a.dept, b.name, b.age, b.dept]
       +- Join Inner, (a.id = b.id)
          :- SubqueryAlias a
          :  +- LocalRelation [id, name, age, dept], 2 rows
          +- SubqueryAlias b
             +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT * FROM people p LEFT SEMI JOIN orders o ON p.id = o.person_id"), @r"
    Project [p.id, p.name, p.age, p.dept]
    +- Join LeftSemi, (p.id = o.person_id)
       :- SubqueryAlias p
       :  +- LocalRelation [id, name, age, dept], 2 rows
       +- SubqueryAlias o
          +- LocalRelation [id, person_id, amount], 1 rows
    ");
    assert_snapshot!(plan("SELECT p.name FROM people p LEFT ANTI JOIN orders o ON p.id = o.person_id"), @r"
    Project [p.name]
    +- Join LeftAnti, (p.id = o.person_id)
       :- SubqueryAlias p
       :  +- LocalRelation [id, name, age, dept], 2 rows
       +- SubqueryAlias o
          +- LocalRelation [id, person_id, amount], 1 rows
    ");
    assert_snapshot!(plan("SELECT p.id, o.id FROM people p, orders o CROSS JOIN people q FULL OUTER JOIN orders r ON q.id = r.id"), @r"
    Project [p.id, o.id]
    +- Join Cross
       :- SubqueryAlias p
       :  +- LocalRelation [id, name, age, dept], 2 rows
       +- Join FullOuter, (q.id = r.id)
          :- Join Cross
          :  :- SubqueryAlias o
          :  :  +- LocalRelation [id, person_id, amount], 1 rows
          :  +- SubqueryAlias q
          :     +- LocalRelation [id, name, age, dept], 2 rows
          +- SubqueryAlias r
             +- LocalRelation [id, person_id, amount], 1 rows
    ");
}

#[test]
fn subqueries_values_and_ctes() {
    assert_snapshot!(plan("SELECT t.x FROM (SELECT age AS x FROM people) t WHERE x > 1"), @r"
    Project [t.x]
    +- Filter (t.x > 1)
       +- SubqueryAlias t
          +- Project [people.age AS x]
             +- SubqueryAlias people
                +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(a, b)"), @r"
    Project [t.a, t.b]
    +- SubqueryAlias t
       +- LocalRelation [a, b], 2 rows
    ");
    assert_snapshot!(plan("VALUES (1, 2), (3, 4)"), @"LocalRelation [col1, col2], 2 rows");
    assert_snapshot!(plan("WITH a AS (SELECT id FROM people), people AS (SELECT id + 1 AS id FROM a) SELECT * FROM people"), @r"
    Project [people.id]
    +- SubqueryAlias people
       +- Project [(a.id + 1) AS id]
          +- SubqueryAlias a
             +- Project [people.id]
                +- SubqueryAlias people
                   +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT * FROM parquet.`/data/x.parquet`"), @r#"
Project [format, path]
+- LocalRelation [format, path], 1 rows
"#);
}

#[test]
fn unions() {
    assert_snapshot!(plan("SELECT id FROM people UNION ALL SELECT id FROM orders"), @r"
    Union
    :- Project [people.id]
    :  +- SubqueryAlias people
    :     +- LocalRelation [id, name, age, dept], 2 rows
    +- Project [orders.id]
       +- SubqueryAlias orders
          +- LocalRelation [id, person_id, amount], 1 rows
    ");
    assert_snapshot!(plan("SELECT id FROM people UNION SELECT person_id FROM orders ORDER BY 1 LIMIT 1"), @r"
    Limit 1
    +- Sort [people.id ASC NULLS FIRST]
       +- Distinct
          +- Union
             :- Project [people.id]
             :  +- SubqueryAlias people
             :     +- LocalRelation [id, name, age, dept], 2 rows
             +- Project [orders.person_id]
                +- SubqueryAlias orders
                   +- LocalRelation [id, person_id, amount], 1 rows
    ");
}

#[test]
fn generators() {
    assert_snapshot!(plan("SELECT k, explode(xs) AS x FROM arrays"), @r"
    Project [arrays.k, x]
    +- Generate explode(xs), [x]
       +- SubqueryAlias arrays
          +- LocalRelation [k, xs], 1 rows
    ");
    assert_snapshot!(plan("SELECT explode_outer(xs) AS x, k FROM arrays WHERE k > 0 ORDER BY x"), @r"
    Sort [x ASC NULLS FIRST]
    +- Project [x, arrays.k]
       +- Generate explode_outer(xs), [x]
          +- Filter (arrays.k > 0)
             +- SubqueryAlias arrays
                +- LocalRelation [k, xs], 1 rows
    ");
}

#[test]
fn more_resolution_cases() {
    assert_snapshot!(plan("WITH t(a) AS (SELECT 1) SELECT a FROM t"), @r"
    Project [t.a]
    +- SubqueryAlias t
       +- Project [1 AS a]
          +- Project [1 AS 1]
             +- OneRowRelation
    ");
    assert_snapshot!(plan("SELECT a FROM (SELECT 1 AS a)"), @r#"
Project [a]
+- Project [1 AS a]
   +- OneRowRelation
"#);
    assert_snapshot!(plan("SELECT count(*) FROM people HAVING count(*) > 1"), @r#"
Project [count(1)]
+- Filter (count(1) > 1)
   +- Aggregate [], [count(1) AS count(1)]
      +- SubqueryAlias people
         +- LocalRelation [id, name, age, dept], 2 rows
"#);
    assert_snapshot!(plan("SELECT dept, sum(age) FROM people GROUP BY dept HAVING sum(age) > 10 ORDER BY sum(age) DESC LIMIT 5"), @r"
    Limit 5
    +- Sort [sum(age) DESC NULLS LAST]
       +- Project [people.dept, sum(age)]
          +- Filter (sum(age) > 10)
             +- Aggregate [people.dept], [sum(people.age) AS sum(age)]
                +- SubqueryAlias people
                   +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT x.* FROM people"), @r#"
[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `x`.* given input columns [people.id: int, people.name: string, people.age: int, people.dept: string].
LINE 1: SELECT x.* FROM people
               ^^^
SQLSTATE: 42704
"#);
    assert_snapshot!(plan("SELECT a.id, b.id FROM (people a JOIN people b ON a.id = b.id)"), @r"
    Project [a.id, b.id]
    +- Join Inner, (a.id = b.id)
       :- SubqueryAlias a
       :  +- LocalRelation [id, name, age, dept], 2 rows
       +- SubqueryAlias b
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
}
