//! Arrays, maps, structs and JSON through the DataFrame API, checked against the same
//! queries in SQL: constructors, element and field access, collection functions,
//! generators over arrays and maps, and `show()`'s rendering of nested values.

mod api_support;
use api_support::{rows, same_as_sql, session};

use ember::functions::*;
use ember::{DataFrame, Session};

fn base(s: &Session) -> DataFrame {
    let df = s
        .sql(
            "SELECT * FROM VALUES (1, array(3, 1, NULL), map('a', 1), named_struct('x', 1, 'y', 'p'), '{\"k\": 1, \"v\": [true]}'), \
             (2, array(), map(), named_struct('x', NULL, 'y', 'q'), 'oops'), \
             (3, NULL, NULL, NULL, NULL) AS t(id, a, m, st, js)",
        )
        .unwrap();
    df.create_or_replace_temp_view("t").unwrap();
    df
}

/// The DataFrame's rows equal those of `sql`.
#[test]
fn access_matches_sql() {
    let s = session();
    let df = base(&s)
        .filter(col("id").neq(lit(2)))
        .unwrap()
        .select([
            col("id"),
            col("a").get_item(lit(0)),
            col("m").get_item(lit("a")),
            col("st").get_field("y"),
            element_at(col("a"), lit(-1)),
            get(col("a"), lit(5)),
        ])
        .unwrap()
        .sort([col("id")])
        .unwrap();
    let got = same_as_sql(&s, &df, "SELECT id, a[0], m['a'], st.y, element_at(a, -1), get(a, 5) FROM t WHERE id <> 2 ORDER BY id");
    assert_eq!(got, vec!["1\t3\t1\tp\tNULL\tNULL", "3\tNULL\tNULL\tNULL\tNULL\tNULL"]);
    assert_eq!(df.columns()[1..4], ["a[0]", "m[a]", "st.y"]);
}

#[test]
fn collection_functions_match_sql() {
    let s = session();
    let df = base(&s)
        .select([
            col("id"),
            size(col("a")),
            sort_array(col("a"), false),
            array_sort(col("a")),
            array_distinct(array_union(col("a"), array([lit(1), lit(7)]))),
            array_join_with_nulls(col("a"), "/", "_"),
            array_max(col("a")),
            array_position(col("a"), lit(1)),
            slice(col("a"), lit(2), lit(1)),
            map_keys(col("m")),
            map_contains_key(col("m"), lit("a")),
        ])
        .unwrap()
        .sort([col("id")])
        .unwrap();
    let got = same_as_sql(
        &s,
        &df,
        "SELECT id, size(a), sort_array(a, false), array_sort(a), array_distinct(array_union(a, array(1, 7))), \
         array_join(a, '/', '_'), array_max(a), array_position(a, 1), slice(a, 2, 1), map_keys(m), map_contains_key(m, 'a') \
         FROM t ORDER BY id",
    );
    assert_eq!(got[0], "1\t3\t[3,1,null]\t[1,3,null]\t[3,1,null,7]\t3/1/_\t3\t2\t[1]\t[\"a\"]\ttrue");
    assert_eq!(got[2], "3\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL");
}

#[test]
fn constructors_and_show() {
    let s = session();
    let df = s
        .range(0, 2, 1, None)
        .unwrap()
        .select([
            struct_([col("id"), (col("id") + lit(1)).alias("next"), lit("z")]).alias("s"),
            create_map([lit("k"), col("id")]).alias("m"),
            named_struct([("a", array([col("id"), lit(9)]))]).alias("n"),
            sequence(col("id"), lit(2), None).alias("q"),
        ])
        .unwrap();
    let shown = df.show_string(10, 20).unwrap();
    insta::assert_snapshot!(shown, @r"
    +---------+--------+--------+---------+
    |        s|       m|       n|        q|
    +---------+--------+--------+---------+
    |{0, 1, z}|{k -> 0}|{[0, 9]}|[0, 1, 2]|
    |{1, 2, z}|{k -> 1}|{[1, 9]}|   [1, 2]|
    +---------+--------+--------+---------+
    ");
    let schema = df.schema_string();
    for line in [" |    |-- id: long", " |    |-- next: long", " |    |-- col3: string", " |    |    |-- element: long"] {
        assert!(schema.contains(line), "{line} not in {schema}");
    }
}

#[test]
fn generators_over_arrays_and_maps() {
    let s = session();
    let t = base(&s);
    let df = t.select([col("id"), explode(col("m"))]).unwrap().sort([col("id")]).unwrap();
    assert_eq!(df.columns(), vec!["id", "key", "value"]);
    assert_eq!(same_as_sql(&s, &df, "SELECT id, explode(m) FROM t ORDER BY id"), vec!["1\ta\t1"]);
    let df = t.select([col("id"), posexplode_outer(col("a"))]).unwrap().sort([col("id"), col("pos")]).unwrap();
    assert_eq!(
        same_as_sql(&s, &df, "SELECT id, posexplode_outer(a) FROM t ORDER BY id, pos"),
        vec!["1\t0\t3", "1\t1\t1", "1\t2\tNULL", "2\tNULL\tNULL", "3\tNULL\tNULL"]
    );
    let df = t.select([col("id"), json_tuple(col("js"), &["k", "v"])]).unwrap().sort([col("id")]).unwrap();
    assert_eq!(df.columns(), vec!["id", "c0", "c1"]);
    assert_eq!(rows(&df.collect().unwrap()), vec!["1\t1\t[true]", "2\tNULL\tNULL", "3\tNULL\tNULL"]);
}

#[test]
fn json_round_trip() {
    let s = session();
    let df = base(&s)
        .select([col("id"), from_json(col("js"), "k INT, v ARRAY<BOOLEAN>").alias("p"), get_json_object(col("js"), "$.v[0]")])
        .unwrap()
        .sort([col("id")])
        .unwrap();
    assert_eq!(rows(&df.collect().unwrap()), vec!["1\t{\"k\":1,\"v\":[true]}\ttrue", "2\t{\"k\":null,\"v\":null}\tNULL", "3\tNULL\tNULL"]);
    let back = df.select([to_json(col("p"))]).unwrap();
    assert_eq!(rows(&back.collect().unwrap()), vec!["{\"k\":1,\"v\":[true]}", "{}", "NULL"]);
    let bad = base(&s).select([from_json(col("js"), "k NOTATYPE")]).unwrap_err().to_string();
    assert!(bad.contains("UNSUPPORTED_DATATYPE"), "{bad}");
}

#[test]
fn errors_name_the_problem() {
    let s = session();
    let t = base(&s);
    let e = t.select([col("st").get_field("nope")]).unwrap_err().to_string();
    assert!(e.contains("FIELD_NOT_FOUND") && e.contains("`x`, `y`"), "{e}");
    let e = s.sql("SELECT array(1)[3]").unwrap().collect().unwrap_err().to_string();
    assert!(e.contains("INVALID_ARRAY_INDEX"), "{e}");
    let e = s.sql("SELECT map(1, 2, 1, 3)").unwrap().collect().unwrap_err().to_string();
    assert!(e.contains("DUPLICATED_MAP_KEY"), "{e}");
}

#[test]
fn odd_inputs_give_errors_or_results_not_panics() {
    let s = session();
    let deep_json = format!("SELECT get_json_object('{}', '$'), from_json('{}', 'a INT')", "[".repeat(20_000), "{\"a\":".repeat(20_000));
    let inputs = [
        "SELECT array(1)[2147483647], array(1)[-2147483648]",
        "SELECT element_at(array(1), -2147483648), try_element_at(array(1), 2147483647)",
        "SELECT slice(array(1, 2), -2147483648, 2147483647), slice(array(1, 2), 2147483647, 2147483647)",
        "SELECT sequence(-9223372036854775808L, 9223372036854775807L)",
        "SELECT sequence(9223372036854775807L, -9223372036854775808L, -9223372036854775808L)",
        "SELECT sequence(1, 1, 0), sequence(1, 2, 0)",
        "SELECT map(CAST('NaN' AS DOUBLE), 1, CAST('NaN' AS DOUBLE), 2)",
        "SELECT map_from_arrays(array(NULL), array(1))",
        "SELECT get_json_object('{\"a\":1}', '$['), get_json_object('{\"a\":1}', '$.'), get_json_object('\"\\\\ud800\"', '$')",
        "SELECT json_tuple('{\"a\":1}', NULL), from_json('{\"a\": 99999999999999999999}', 'a INT')",
        "SELECT from_json('{\"a\": 1}', 'a MAP<INT, INT>')",
        "SELECT named_struct(NULL, 1)",
        "SELECT struct(1).col2",
        "SELECT explode(map()), inline(array())",
        "SELECT id FROM range(2) LATERAL VIEW explode(array(id)) t AS c LATERAL VIEW explode(array(t.c)) u AS c",
        &deep_json,
    ];
    for sql in inputs {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.sql(sql).and_then(|df| df.collect()).map(|_| ())));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => assert_ne!(e.class(), "INTERNAL_ERROR", "{sql}: {e}"),
            Err(_) => panic!("panicked on {sql}"),
        }
    }
}
