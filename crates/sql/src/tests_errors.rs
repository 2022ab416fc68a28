//! Errors of bad SQL: Spark error classes, messages and the span they point at.

use insta::assert_snapshot;

use crate::test_util::{bind, err};

fn span(sql: &str) -> (u32, u32, u32, u32) {
    let s = err(sql).span().expect("error has a span");
    (s.start_line, s.start_column, s.end_line, s.end_column)
}

#[test]
fn syntax_errors_point_at_the_token() {
    assert_snapshot!(err("SELECT * FORM people"), @r#"
[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.
LINE 1: SELECT * FORM people
                 ^^^^
SQLSTATE: 42601
"#);
    assert_snapshot!(err("SELECT * FROM"), @r#"
[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.
LINE 1: SELECT * FROM
                    ^
SQLSTATE: 42601
"#);
    assert_snapshot!(err("SELECT 'abc"), @r#"
[PARSE_SYNTAX_ERROR] Syntax error: Unterminated string literal.
LINE 1: SELECT 'abc
               ^
SQLSTATE: 42601
"#);
    assert_snapshot!(err("SELECT 1; SELECT 2"), @r#"
[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELECT'.
LINE 1: SELECT 1; SELECT 2
                  ^^^^^^
SQLSTATE: 42601
"#);
    assert_eq!(err("").class(), "PARSE_EMPTY_STATEMENT");
    assert_eq!(err(" ; -- nothing").class(), "PARSE_EMPTY_STATEMENT");
    assert_eq!(span("SELECT a\nFROM people WHERE )"), (2, 19, 2, 20));
}

#[test]
fn unresolved_names() {
    assert_snapshot!(err("SELECT nmae FROM people"), @r#"
[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nmae` cannot be resolved. Did you mean one of the following? [`people`.`name`, `people`.`age`, `people`.`id`, `people`.`dept`].
LINE 1: SELECT nmae FROM people
               ^^^^
SQLSTATE: 42703
"#);
    assert_snapshot!(err("SELECT id\nFROM peple"), @r#"
[TABLE_OR_VIEW_NOT_FOUND] The table or view `peple` cannot be found. Did you mean one of the following? [`people`]. Verify the spelling and correctness of the schema and catalog.
LINE 2: FROM peple
             ^^^^^
SQLSTATE: 42P01
"#);
    assert_snapshot!(err("SELECT uper(name) FROM people"), @r#"
[UNRESOLVED_ROUTINE] Cannot resolve function `uper` on search path [`system`.`builtin`, `system`.`session`]. Did you mean one of the following? [`upper`, `lower`].
LINE 1: SELECT uper(name) FROM people
               ^^^^
SQLSTATE: 42883
"#);
    assert_snapshot!(err("SELECT id FROM people a JOIN orders b ON a.id = b.person_id"), @r#"
[AMBIGUOUS_REFERENCE] Reference `id` is ambiguous, could be: [`a`.`id`, `b`.`id`].
LINE 1: SELECT id FROM people a JOIN orders b ON a.id = b.person_id
               ^^
SQLSTATE: 42704
"#);
    assert_snapshot!(err("SELECT p.nope FROM people p"), @r#"
[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `p`.`nope` cannot be resolved. Did you mean one of the following? [`p`.`name`, `p`.`age`, `p`.`dept`].
LINE 1: SELECT p.nope FROM people p
               ^^^^^^
SQLSTATE: 42703
"#);
    assert_snapshot!(err("SELECT * FROM people JOIN orders USING (nope)"), @r#"
[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `nope` cannot be resolved on the left side of the join.
LINE 1: SELECT * FROM people JOIN orders USING (nope)
                                  ^^^^^^^^^^^^^^^^^^
SQLSTATE: 42703
"#);
}

#[test]
fn type_errors_have_the_span_of_the_expression() {
    assert_snapshot!(err("SELECT id, 1 + true FROM people"), @r#"
[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(1 + true)" due to data type mismatch: the left and right operands of the binary operator have incompatible types ("INT" and "BOOLEAN").
LINE 1: SELECT id, 1 + true FROM people
                   ^^^^^^^^
SQLSTATE: 42K09
"#);
    assert_snapshot!(err("SELECT * FROM people WHERE age"), @r#"
[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve "age" due to data type mismatch: Filter expression "age" of type "INT" is not a boolean.
LINE 1: SELECT * FROM people WHERE age
                                   ^^^
SQLSTATE: 42K09
"#);
    assert_snapshot!(err("SELECT upper(name, name) FROM people"), @r#"
[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The function `upper` requires 1 parameters but the actual number is 2.
LINE 1: SELECT upper(name, name) FROM people
               ^^^^^^^^^^^^^^^^
SQLSTATE: 42605
"#);
    assert_snapshot!(err("SELECT CAST(DATE '2020-01-01' AS int)"), @r#"
[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve "DATE '2020-01-01'" due to data type mismatch: cannot cast "DATE" to "INT".
To convert values from "DATE" to "INT", you can use the functions `UNIX_DATE` instead.
LINE 1: SELECT CAST(DATE '2020-01-01' AS int)
                         ^^^^^^^^^^^^
SQLSTATE: 42K09
"#);
    assert_snapshot!(err("SELECT age IN ('a', DATE '2020-01-01') FROM people"), @r#"
[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve "(age IN (a, DATE '2020-01-01'))" due to data type mismatch: Input to `in` should all be the same type, but it's ["INT", "STRING", "DATE"].
LINE 1: SELECT age IN ('a', DATE '2020-01-01') FROM people
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
SQLSTATE: 42K09
"#);
    assert_eq!(span("SELECT upper(true) FROM people"), (1, 8, 1, 18));
}

#[test]
fn aggregation_errors() {
    assert_snapshot!(err("SELECT name, count(*) FROM people GROUP BY dept"), @r#"
    [MISSING_AGGREGATION] The non-aggregating expression "name" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use "any_value(name)" if you do not care which of the values within a group is returned.
    LINE 1: SELECT name, count(*) FROM people GROUP BY dept
                   ^^^^
    SQLSTATE: 42803
    "#);
    assert_snapshot!(err("SELECT * FROM people WHERE count(*) > 1"), @r#"
    [INVALID_WHERE_CONDITION] The WHERE condition "(count(1) > 1)" contains invalid expressions: count(1). Rewrite the query to avoid window functions, aggregate functions, and generator functions in the WHERE clause.
    LINE 1: SELECT * FROM people WHERE count(*) > 1
                                       ^^^^^^^^^^^^
    SQLSTATE: 42903
    "#);
    assert_snapshot!(err("SELECT dept FROM people GROUP BY 2"), @r#"
[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position 2 is not in select list (valid range is [1, 1]).
LINE 1: SELECT dept FROM people GROUP BY 2
                                         ^
SQLSTATE: 42805
"#);
    assert_snapshot!(err("SELECT count(*) FROM people GROUP BY 1"), @r#"
[GROUP_BY_POS_AGGREGATE] GROUP BY 1 refers to an expression count(1) that contains an aggregate function. Aggregate functions are not allowed in GROUP BY.
LINE 1: SELECT count(*) FROM people GROUP BY 1
                                             ^
SQLSTATE: 42903
"#);
    assert_snapshot!(err("SELECT dept FROM people GROUP BY dept ORDER BY age"), @r#"
    [MISSING_AGGREGATION] The non-aggregating expression "age" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use "any_value(age)" if you do not care which of the values within a group is returned.
    LINE 1: SELECT dept FROM people GROUP BY dept ORDER BY age
                                                           ^^^
    SQLSTATE: 42803
    "#);
    assert_snapshot!(err("SELECT sum(count(*)) FROM people"), @r"
    [NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.
    LINE 1: SELECT sum(count(*)) FROM people
                   ^^^^^^^^^
    SQLSTATE: 42607
    ");
}

#[test]
fn limits_orders_and_literals() {
    assert_snapshot!(err("SELECT 1 LIMIT -1"), @r#"
[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression "-1" is invalid. The limit expression must be equal to or greater than 0, but got -1.
LINE 1: SELECT 1 LIMIT -1
                        ^
SQLSTATE: 42K0E
"#);
    assert_snapshot!(err("SELECT 1 LIMIT 'a'"), @r#"
[INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE] The limit like expression "a" is invalid. The limit expression must be integer type, but got "STRING".
LINE 1: SELECT 1 LIMIT 'a'
                       ^^^
SQLSTATE: 42K0E
"#);
    assert_snapshot!(err("SELECT name FROM people ORDER BY 3"), @r#"
[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position 3 is not in select list (valid range is [1, 1]).
LINE 1: SELECT name FROM people ORDER BY 3
                                         ^
SQLSTATE: 42805
"#);
    assert_snapshot!(err("SELECT DISTINCT name FROM people ORDER BY age"), @r#"
[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `age` cannot be resolved. Did you mean one of the following? [`people`.`name`].
LINE 1: SELECT DISTINCT name FROM people ORDER BY age
                                                  ^^^
SQLSTATE: 42703
"#);
    assert_snapshot!(err("SELECT 128Y"), @r#"
[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly.
LINE 1: SELECT 128Y
               ^^^^
SQLSTATE: 22003
"#);
    assert_snapshot!(err("SELECT DATE '2020-02-30'"), @r#"
[INVALID_TYPED_LITERAL] The value of the typed literal "DATE" is invalid: '2020-02-30'.
LINE 1: SELECT DATE '2020-02-30'
                    ^^^^^^^^^^^^
SQLSTATE: 42604
"#);
    assert_snapshot!(err("SELECT CAST(1 AS foo)"), @r#"
[UNSUPPORTED_DATATYPE] Unsupported data type "FOO".
LINE 1: SELECT CAST(1 AS foo)
                    ^
SQLSTATE: 0A000
"#);
}

#[test]
fn unsupported_features() {
    assert_snapshot!(err("UPDATE people SET id = 1"), @r#"
[UNSUPPORTED_FEATURE] The feature is not supported: the UPDATE statement.
LINE 1: UPDATE people SET id = 1
        ^^^^^^
SQLSTATE: 0A000
"#);
    assert_snapshot!(err("SELECT 1 INTERSECT SELECT 1, 2"), @r#"
[NUM_COLUMNS_MISMATCH] INTERSECT can only be performed on inputs with the same number of columns, but the first input has 1 columns and the second input has 2 columns.
LINE 1: SELECT 1 INTERSECT SELECT 1, 2
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
SQLSTATE: 42826
"#);
    assert_snapshot!(err("SELECT id FROM people WHERE id > ANY (SELECT 1)"), @r"
    [UNSUPPORTED_FEATURE] The feature is not supported: ANY / ALL subquery comparisons.
    LINE 1: SELECT id FROM people WHERE id > ANY (SELECT 1)
                                        ^^^^^^^^^^^^^^^^^^
    SQLSTATE: 0A000
    ");
    // Spark's grammar has no GROUPS frames.
    assert_snapshot!(err("SELECT sum(age) OVER (ORDER BY id GROUPS 1 PRECEDING) FROM people"), @r#"
[PARSE_SYNTAX_ERROR] Syntax error at or near 'GROUPS'.
LINE 1: SELECT sum(age) OVER (ORDER BY id GROUPS 1 PRECEDING) FROM people
               ^^^
SQLSTATE: 42601
"#);
    assert_snapshot!(err("CREATE INDEX i ON people (id)"), @r#"
[UNSUPPORTED_FEATURE] The feature is not supported: the CREATE INDEX statement.
LINE 1: CREATE INDEX i ON people (id)
        ^^^^^^
SQLSTATE: 0A000
"#);
    assert_snapshot!(err("SELECT * FROM csv.`/missing/file.csv`"), @r#"
[PATH_NOT_FOUND] Path does not exist: /missing/file.csv.
LINE 1: SELECT * FROM csv.`/missing/file.csv`
                      ^^^^^^^^^^^^^^^^^^^^^^^
SQLSTATE: 42K03
"#);
}

#[test]
fn deeply_nested_input_does_not_overflow() {
    let sql = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(err(&sql).class(), "FAILED_TO_PARSE_TOO_COMPLEX");
    assert!(bind(&format!("SELECT 1{}", " + 1".repeat(200))).is_ok());
    let e = err(&format!("SELECT 1{}", " OR true".repeat(5000)));
    assert_eq!(e.class(), "FAILED_TO_PARSE_TOO_COMPLEX");
    let e = err(&format!("SELECT 1{}", " UNION SELECT 1".repeat(3000)));
    assert_eq!(e.class(), "FAILED_TO_PARSE_TOO_COMPLEX");
    let e = err(&format!("SELECT * FROM people WHERE {}", vec!["age = 1"; 3000].join(" OR ")));
    assert_eq!(e.class(), "FAILED_TO_PARSE_TOO_COMPLEX");
}

#[test]
fn spark_grammar_quirks() {
    // `SELECT a, FROM t` parses in Spark with `FROM` as a column; it names the mistake.
    assert_snapshot!(err("SELECT id, FROM people"), @r#"
[TRAILING_COMMA_IN_SELECT] Trailing comma detected in SELECT clause. Remove the trailing comma before the FROM clause.
LINE 1: SELECT id, FROM people
                   ^^^^
SQLSTATE: 42601
"#);
    // A keyword nothing follows is a table alias, as in Spark.
    assert!(bind("SELECT id FROM people WHERE").is_ok());
    assert!(bind("SELECT * FROM (SELECT id FROM people ORDER)").is_ok());
    // No `OVER (w ORDER BY …)` refinements of named windows; `OVER (w)` is fine.
    assert_eq!(err("SELECT sum(age) OVER (w ORDER BY id) FROM people WINDOW w AS (PARTITION BY dept)").class(), "PARSE_SYNTAX_ERROR");
    assert!(bind("SELECT sum(age) OVER (w) FROM people WINDOW w AS (PARTITION BY dept)").is_ok());
    // Frame offsets must be constant.
    assert_eq!(err("SELECT sum(age) OVER (ORDER BY id ROWS BETWEEN id PRECEDING AND CURRENT ROW) FROM people").class(), "_LEGACY_ERROR_TEMP_0064");
    assert_eq!(err("SELECT substring(name) FROM people").class(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
}

#[test]
fn window_and_aggregate_calls_where_spark_cannot_compute_them() {
    assert_eq!(err("SELECT id FROM people WHERE rank() OVER (ORDER BY id) = 1").class(), "WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE");
    assert_snapshot!(err("SELECT dept FROM people GROUP BY dept HAVING count(*) OVER () > 1"), @r"
    [WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE] It is not allowed to use window functions inside HAVING clause.
    LINE 1: SELECT dept FROM people GROUP BY dept HAVING count(*) OVER () > 1
                                                         ^^^^^^^^^^^^^^^^^^^^
    SQLSTATE: 42601
    ");
    assert_snapshot!(err("SELECT id FROM people ORDER BY rank() OVER (ORDER BY age)"), @r#"
[UNSUPPORTED_EXPR_FOR_OPERATOR] A query operator contains one or more unsupported expressions.
Consider to rewrite it to avoid window functions, aggregate functions, and generator functions in the WHERE clause.
Invalid expressions: ["RANK() OVER (ORDER BY age ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"]
LINE 1: SELECT id FROM people ORDER BY rank() OVER (ORDER BY age)
                                       ^^^^
SQLSTATE: 42K0E
"#);
    assert_eq!(err("SELECT id FROM people ORDER BY sum(age)").class(), "UNSUPPORTED_EXPR_FOR_OPERATOR");
    assert_eq!(err("SELECT dept FROM people GROUP BY dept ORDER BY rank() OVER (ORDER BY dept)").class(), "UNSUPPORTED_EXPR_FOR_OPERATOR");
    assert!(bind("SELECT dept FROM people GROUP BY dept ORDER BY sum(age)").is_ok());
    assert_eq!(err("SELECT id, count(*) FROM people").class(), "MISSING_GROUP_BY");
    assert_eq!(err("SELECT id, count(*) FROM people GROUP BY GROUPING SETS (())").class(), "MISSING_GROUP_BY");
}
