//! Window functions from the DataFrame API: `Window` specs, `Column::over`, the
//! ranking / offset / value wrappers and aggregates over frames, each checked against
//! the same query in SQL, plus the errors of misuse.

use arrow::record_batch::RecordBatch;
use ember::functions::{
    col, cume_dist, dense_rank, first_value, lag, lag_with_default, last_value, lead, lit, max, nth_value, ntile, percent_rank, rank,
    row_number, sum, Window,
};
use ember::{DataFrame, Session};

fn session() -> Session {
    Session::builder().config("spark.sql.shuffle.partitions", "3").config("ember.executor.threads", "2").build().unwrap()
}

/// `s(k, t, v)` with ties, NULL values and a NULL partition key.
fn data(s: &Session) -> DataFrame {
    let df = s
        .sql("SELECT * FROM VALUES ('a', 1, 10), ('a', 2, 20), ('a', 2, 20), ('a', 3, NULL), ('b', 1, 5), (NULL, 1, 7) AS s(k, t, v)")
        .unwrap();
    df.create_or_replace_temp_view("s").unwrap();
    df
}

fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let mut r = ember::format::golden_rows(batches, "UTC");
    r.sort();
    r
}

fn same_as_sql(s: &Session, df: DataFrame, sql: &str) -> Vec<String> {
    let got = rows(&df.collect().unwrap());
    let want = rows(&s.sql(sql).unwrap().collect().unwrap());
    assert_eq!(got, want, "DataFrame and SQL differ for {sql}");
    got
}

#[test]
fn ranking_functions_match_sql() {
    let s = session();
    let w = Window::partition_by([col("k")]).order_by([col("t")]);
    let df = data(&s)
        .select([
            col("k"),
            col("t"),
            rank().over(&w).alias("r"),
            dense_rank().over(&w).alias("dr"),
            percent_rank().over(&w).alias("pr"),
            cume_dist().over(&w).alias("cd"),
            ntile(2).over(&w).alias("nt"),
        ])
        .unwrap();
    let got = same_as_sql(
        &s,
        df,
        "SELECT k, t, rank() OVER w AS r, dense_rank() OVER w AS dr, percent_rank() OVER w AS pr, cume_dist() OVER w AS cd, ntile(2) OVER w AS nt FROM s WINDOW w AS (PARTITION BY k ORDER BY t)",
    );
    assert!(got.contains(&"a\t2\t2\t2\t0.3333333333333333\t0.75\t1".to_string()), "{got:?}");
    assert!(got.contains(&"NULL\t1\t1\t1\t0.0\t1.0\t1".to_string()), "{got:?}");
}

#[test]
fn row_number_with_descending_order_and_column_names() {
    let s = session();
    let w = Window::partition_by([col("k")]).order_by([col("v").desc(), col("t")]);
    let df = data(&s).select([col("k"), col("t"), col("v"), row_number().over(&w)]).unwrap();
    assert_eq!(
        df.columns()[3],
        "row_number() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST, t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    );
    same_as_sql(&s, df, "SELECT k, t, v, row_number() OVER (PARTITION BY k ORDER BY v DESC, t) FROM s");
}

#[test]
fn offsets_and_frame_values_match_sql() {
    let s = session();
    let w = Window::partition_by([col("k")]).order_by([col("t"), col("v")]);
    let whole = w.clone().rows_between(Window::unbounded_preceding(), Window::unbounded_following());
    let df = data(&s)
        .select([
            col("k"),
            col("t"),
            col("v"),
            lag(col("v"), 1).over(&w).alias("l"),
            lead(col("v"), 2).over(&w).alias("f"),
            lag_with_default(col("v"), 1, lit(-1), true).over(&w).alias("li"),
            first_value(col("v"), false).over(&whole).alias("fv"),
            last_value(col("v"), true).over(&whole).alias("lv"),
            nth_value(col("v"), 2, false).over(&whole).alias("nv"),
        ])
        .unwrap();
    same_as_sql(
        &s,
        df,
        "SELECT k, t, v, lag(v, 1) OVER w AS l, lead(v, 2) OVER w AS f, lag(v, 1, -1) IGNORE NULLS OVER w AS li,
           first_value(v) OVER w2 AS fv, last_value(v) IGNORE NULLS OVER w2 AS lv, nth_value(v, 2) OVER w2 AS nv
         FROM s WINDOW w AS (PARTITION BY k ORDER BY t, v),
           w2 AS (PARTITION BY k ORDER BY t, v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    );
}

#[test]
fn aggregates_over_rows_and_range_frames() {
    let s = session();
    let running = Window::partition_by([col("k")]).order_by([col("t")]);
    let moving = running.clone().rows_between(-1, Window::current_row());
    let range = running.clone().range_between(-1, 1);
    let df = data(&s)
        .select([
            col("k"),
            col("t"),
            col("v"),
            sum(col("v")).over(&running).alias("run"),
            sum(col("v")).over(&moving).alias("mov"),
            max(col("v")).over(&range).alias("near"),
            sum(col("v")).over(&Window::partition_by([col("k")])).alias("total"),
        ])
        .unwrap();
    let got = same_as_sql(
        &s,
        df,
        "SELECT k, t, v, sum(v) OVER (PARTITION BY k ORDER BY t) AS run,
           sum(v) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS mov,
           max(v) OVER (PARTITION BY k ORDER BY t RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS near,
           sum(v) OVER (PARTITION BY k) AS total FROM s",
    );
    // The running sum includes both peers at t = 2.
    assert!(got.iter().filter(|r| r.starts_with("a\t2\t20\t50")).count() == 2, "{got:?}");
}

#[test]
fn window_columns_inside_expressions_and_filters_above() {
    let s = session();
    let w = Window::partition_by([col("k")]);
    let df = data(&s)
        .with_column("share", col("v") * lit(100) / sum(col("v")).over(&w))
        .unwrap()
        .filter(col("share").gt(lit(30)))
        .unwrap()
        .select([col("k"), col("t"), col("share")])
        .unwrap();
    same_as_sql(&s, df, "SELECT k, t, share FROM (SELECT *, v * 100 / sum(v) OVER (PARTITION BY k) AS share FROM s) WHERE share > 30");
}

#[test]
fn misuse_reports_spark_errors() {
    let s = session();
    let df = data(&s);
    let err = df.select([row_number()]).unwrap_err();
    assert_eq!(err.class(), "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE");
    let err = df.select([rank().over(&Window::partition_by([col("k")]))]).unwrap_err();
    assert_eq!(err.class(), "WINDOW_FUNCTION_FRAME_NOT_ORDERED");
    let err = df.filter(row_number().over(&Window::order_by([col("t")])).eq(lit(1))).unwrap_err();
    assert_eq!(err.class(), "WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE");
    let err = df.select([col("v").over(&Window::order_by([col("t")]))]).unwrap_err();
    assert_eq!(err.class(), "UNSUPPORTED_EXPR_FOR_WINDOW");
    let err = df.select([sum(col("v")).over(&Window::order_by([col("t")]).rows_between(1, -1))]).unwrap_err();
    assert_eq!(err.class(), "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON");
}

#[test]
fn order_by_a_window_expression() {
    let s = session();
    let df = data(&s).order_by([row_number().over(&Window::order_by([col("t").desc(), col("v")])), col("k")]).unwrap();
    assert_eq!(df.columns(), vec!["k", "t", "v"]);
    let got = ember::format::golden_rows(&df.collect().unwrap(), "UTC");
    assert_eq!(got, vec!["a\t3\tNULL", "a\t2\t20", "a\t2\t20", "b\t1\t5", "NULL\t1\t7", "a\t1\t10"]);
}
