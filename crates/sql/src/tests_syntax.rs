//! Bound plans and errors of Spark 4's query syntax: QUALIFY, `* EXCEPT`, quantified
//! LIKE, ORDER BY ALL, NATURAL joins and UNPIVOT.

use insta::assert_snapshot;

use crate::test_util::{err, plan};

#[test]
fn qualify_filters_above_the_window() {
    assert_snapshot!(plan("SELECT id, row_number() OVER (ORDER BY age) AS r FROM people QUALIFY r = 1"), @r"
    Project [people.id, r]
    +- Filter __qualify
       +- Project [people.id, row_number() OVER (ORDER BY age ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS r, (row_number() OVER (ORDER BY age ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) = 1) AS __qualify]
          +- Window [row_number() OVER (ORDER BY people.age ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS row_number() OVER (ORDER BY age ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)], [], [people.age ASC NULLS FIRST]
             +- SubqueryAlias people
                +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_eq!(err("SELECT id FROM people QUALIFY id > 1").class(), "QUALIFY_REQUIRES_WINDOW_FUNCTION");
    assert_eq!(err("SELECT id FROM people QUALIFY sum(age) > 1").class(), "QUALIFY_AGGREGATE_NOT_ALLOWED");
}

#[test]
fn star_except_and_order_by_all() {
    assert_snapshot!(plan("SELECT * EXCEPT (p.name, age) FROM people p ORDER BY ALL DESC"), @r"
    Sort [p.id DESC NULLS LAST, p.dept DESC NULLS LAST]
    +- Project [p.id, p.dept]
       +- SubqueryAlias p
          +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_eq!(err("SELECT * EXCEPT (nope) FROM people").class(), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
    assert_eq!(err("SELECT * EXCEPT (id, ID) FROM people").class(), "EXCEPT_OVERLAPPING_COLUMNS");
}

#[test]
fn quantified_like() {
    assert_snapshot!(plan("SELECT name NOT ILIKE ANY ('a%', 'b%') FROM people"), @r"
    Project [((NOT ilike(people.name, a%)) OR (NOT ilike(people.name, b%))) AS notlikeany(lower(name))]
    +- SubqueryAlias people
       +- LocalRelation [id, name, age, dept], 2 rows
    ");
}

#[test]
fn natural_join_and_unpivot() {
    assert_snapshot!(plan("SELECT * FROM people a NATURAL LEFT JOIN people b"), @r"
    Project [a.id, a.name, a.age, a.dept]
    +- Project [a.id, a.name, a.age, a.dept]
       +- Join LeftOuter, ((((a.id = b.id) AND (a.name = b.name)) AND (a.age = b.age)) AND (a.dept = b.dept))
          :- SubqueryAlias a
          :  +- LocalRelation [id, name, age, dept], 2 rows
          +- SubqueryAlias b
             +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_snapshot!(plan("SELECT * FROM people UNPIVOT (v FOR col IN (id, age))"), @r"
    Project [people.name, people.dept, col, v]
    +- Filter (v IS NOT NULL)
       +- Expand [[people.name, people.dept, id, people.id], [people.name, people.dept, age, people.age]], [name, dept, col, v]
          +- SubqueryAlias people
             +- LocalRelation [id, name, age, dept], 2 rows
    ");
    assert_eq!(err("SELECT * FROM people UNPIVOT (v FOR col IN (id, name))").class(), "UNPIVOT_VALUE_DATA_TYPE_MISMATCH");
}

