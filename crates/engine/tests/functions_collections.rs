//! Lambdas and the newer array, map and aggregate functions through the DataFrame API,
//! checked against the same queries in SQL (column names included).

mod api_support;
use api_support::{same_as_sql, session};

use ember::functions::*;
use ember::{DataFrame, Session};

fn base(s: &Session) -> DataFrame {
    let df = s
        .sql("SELECT * FROM VALUES (1, array(1, 2, 3), map('a', 1, 'b', 2), 10), (2, array(), map(), 20), (3, NULL, NULL, 30) AS t(id, a, m, k)")
        .unwrap();
    df.create_or_replace_temp_view("t").unwrap();
    df
}

fn names(df: &DataFrame) -> Vec<String> {
    df.schema().fields().iter().map(|f| f.name().clone()).collect()
}

#[test]
fn lambdas_build_the_plans_sql_does() {
    let s = session();
    let df = base(&s)
        .select([
            col("id"),
            transform(col("a"), |x| x.plus(col("k"))),
            transform_with_index(col("a"), |x, i| x.multiply(i)),
            filter(col("a"), |x| x.gt(lit(1))),
            exists(col("a"), |x| x.eq(lit(2))),
            forall(col("a"), |x| x.lt(lit(3))),
            aggregate(col("a"), lit(0), |acc, x| acc.plus(x)),
            aggregate_with_finish(col("a"), lit(0), |acc, x| acc.plus(x), |acc| acc.multiply(lit(2))),
            zip_with(col("a"), col("a"), |x, y| x.multiply(y)),
            map_filter(col("m"), |_, v| v.gt(lit(1))),
            transform_values(col("m"), |_, v| v.plus(lit(100))),
            transform_keys(col("m"), |key, _| upper(key)),
            map_zip_with(col("m"), col("m"), |_, v1, v2| v1.plus(v2)),
            array_sort_by(col("a"), |l, r| r.minus(l)),
            transform(col("a"), |x| aggregate(col("a"), x.clone(), |acc, y| acc.plus(y).minus(x))),
        ])
        .unwrap()
        .sort([col("id")])
        .unwrap();
    let sql = "SELECT id, transform(a, x -> x + k), transform(a, (x, i) -> x * i), filter(a, x -> x > 1), exists(a, x -> x = 2), \
               forall(a, x -> x < 3), aggregate(a, 0, (acc, x) -> acc + x), aggregate(a, 0, (acc, x) -> acc + x, acc -> acc * 2), \
               zip_with(a, a, (x, y) -> x * y), map_filter(m, (k, v) -> v > 1), transform_values(m, (k, v) -> v + 100), \
               transform_keys(m, (k, v) -> upper(k)), map_zip_with(m, m, (k, v1, v2) -> v1 + v2), array_sort(a, (l, r) -> r - l), \
               transform(a, x -> aggregate(a, x, (acc, y) -> acc + y - x)) FROM t ORDER BY id";
    same_as_sql(&s, &df, sql);
    assert_eq!(names(&df), names(&s.sql(sql).unwrap()));
}

#[test]
fn arrays_maps_and_aggregates_match_sql() {
    let s = session();
    let df = base(&s)
        .select([
            col("id"),
            array_append(col("a"), lit(9)),
            array_prepend(col("a"), lit(0)),
            array_insert(col("a"), lit(2), lit(7)),
            array_compact(array_append(col("a"), lit(9))),
            array_size(col("a")),
            array_repeat(col("k"), lit(2)),
            arrays_overlap(col("a"), array([lit(3)])),
            map_concat([col("m"), create_map([lit("z"), lit(0)])]),
            map_from_entries(array([struct_([col("k"), col("id")])])),
            str_to_map(lit("a:1,b:2"), ",", ":"),
        ])
        .unwrap()
        .sort([col("id")])
        .unwrap();
    let sql = "SELECT id, array_append(a, 9), array_prepend(a, 0), array_insert(a, 2, 7), array_compact(array_append(a, 9)), array_size(a), \
               array_repeat(k, 2), arrays_overlap(a, array(3)), map_concat(m, map('z', 0)), map_from_entries(array(struct(k, id))), \
               str_to_map('a:1,b:2', ',', ':') FROM t ORDER BY id";
    same_as_sql(&s, &df, sql);
    let aggs = base(&s).agg([array_agg(col("k")), skewness(col("k")), kurtosis(col("k")), mode(col("k")), listagg(lit("x"), Some("-"))]).unwrap();
    let rows = same_as_sql(&s, &aggs, "SELECT array_agg(k), skewness(k), kurtosis(k), mode(k), listagg('x', '-') FROM t");
    assert_eq!(rows.len(), 1);
}
