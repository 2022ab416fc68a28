//! Date and time functions and interval arithmetic through the DataFrame API: each
//! wrapper builds the same plan as its SQL spelling, the session time zone drives
//! timestamp ↔ date/string conversions, and results do not depend on partitioning.

use arrow::record_batch::RecordBatch;
use ember::functions::*;
use ember::{DataFrame, Session};

fn session_in(zone: &str) -> Session {
    Session::builder()
        .config("spark.sql.shuffle.partitions", "3")
        .config("ember.executor.threads", "2")
        .config("spark.sql.session.timeZone", zone)
        .build()
        .unwrap()
}

fn rows(batches: &[RecordBatch], zone: &str) -> Vec<String> {
    let mut r = ember::format::golden_rows(batches, zone);
    r.sort();
    r
}

fn dates(s: &Session) -> DataFrame {
    s.sql(
        "SELECT * FROM VALUES (1, date '2024-01-31', timestamp '2024-02-29 13:45:30', '31/12/2023'), \
         (2, date '2023-02-28', timestamp '2023-01-01 00:00:00', 'bad'), (3, NULL, NULL, NULL) AS t(id, d, ts, s)",
    )
    .unwrap()
}

#[test]
fn wrappers_match_sql() {
    let s = session_in("UTC");
    let df = dates(&s);
    let api = df
        .select([
            col("id"),
            year(col("d")),
            quarter(col("d")),
            month(col("d")),
            dayofmonth(col("d")),
            dayofweek(col("d")),
            dayofyear(col("d")),
            weekofyear(col("d")),
            hour(col("ts")),
            minute(col("ts")),
            second(col("ts")),
            date_part("doy", col("ts")),
            date_add(col("d"), 1),
            date_sub(col("d"), 1),
            datediff(col("d"), lit("2024-01-01")),
            add_months(col("d"), 1),
            months_between(col("ts"), col("d"), true),
            last_day(col("d")),
            next_day(col("d"), "Mon"),
            trunc(col("d"), "MM"),
            date_trunc("hour", col("ts")),
            date_format(col("ts"), "yyyy/MM/dd HH:mm EEE"),
        ])
        .unwrap();
    df.create_or_replace_temp_view("t").unwrap();
    let sql = s
        .sql(
            "SELECT id, year(d), quarter(d), month(d), dayofmonth(d), dayofweek(d), dayofyear(d), weekofyear(d), \
             hour(ts), minute(ts), second(ts), date_part('doy', ts), date_add(d, 1), date_sub(d, 1), datediff(d, '2024-01-01'), \
             add_months(d, 1), months_between(ts, d, true), last_day(d), next_day(d, 'Mon'), trunc(d, 'MM'), \
             date_trunc('hour', ts), date_format(ts, 'yyyy/MM/dd HH:mm EEE') FROM t",
        )
        .unwrap();
    assert_eq!(api.columns(), sql.columns());
    assert_eq!(api.columns()[11], "date_part(doy, ts)");
    let got = rows(&api.collect().unwrap(), "UTC");
    assert_eq!(got, rows(&sql.collect().unwrap(), "UTC"));
    assert_eq!(
        got,
        vec![
            "1\t2024\t1\t1\t31\t4\t31\t5\t13\t45\t30\t60\t2024-02-01\t2024-01-30\t30\t2024-02-29\t1.0\t2024-01-31\t2024-02-05\t2024-01-01\t2024-02-29 13:00:00\t2024/02/29 13:45 Thu",
            "2\t2023\t1\t2\t28\t3\t59\t9\t0\t0\t0\t1\t2023-03-01\t2023-02-27\t-307\t2023-03-28\t-1.87096774\t2023-02-28\t2023-03-06\t2023-02-01\t2023-01-01 00:00:00\t2023/01/01 00:00 Sun",
            "3\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL",
        ]
    );
}

#[test]
fn interval_arithmetic_on_columns() {
    let s = session_in("UTC");
    let df = dates(&s);
    let out = df
        .select([
            col("id"),
            col("d").plus(interval_months(1)),
            col("d").minus(interval_days(90)),
            col("ts").plus(interval_months(12)),
            col("ts").minus(interval_micros(90 * 60 * 1_000_000)),
            col("d").minus(lit("2024-01-01").cast("date")),
        ])
        .unwrap();
    let names = out.columns();
    assert_eq!(names[1], "(d + INTERVAL '0-1' YEAR TO MONTH)");
    assert_eq!(names[2], "(d - INTERVAL '90' DAY)");
    assert_eq!(
        rows(&out.collect().unwrap(), "UTC"),
        vec![
            // `spark-sql` (Hive) rendering of `interval day` values
            "1\t2024-02-29\t2023-11-02\t2025-02-28 13:45:30\t2024-02-29 12:15:30\t30 00:00:00.000000000",
            "2\t2023-03-28\t2022-11-30\t2024-01-01 00:00:00\t2022-12-31 22:30:00\t-307 00:00:00.000000000",
            "3\tNULL\tNULL\tNULL\tNULL\tNULL",
        ]
    );
}

#[test]
fn parsing_follows_ansi_mode_and_the_session_zone() {
    let s = session_in("America/Los_Angeles");
    let df = dates(&s);
    // ANSI (the default): a string that does not match the pattern is an error
    let e = df
        .select([to_date_fmt(col("s"), "dd/MM/yyyy")])
        .and_then(|d| d.collect())
        .unwrap_err();
    assert_eq!(e.class(), "CANNOT_PARSE_TIMESTAMP");
    s.sql("SET spark.sql.ansi.enabled=false").unwrap();
    let out = df
        .select([
            col("id"),
            to_date_fmt(col("s"), "dd/MM/yyyy"),
            unix_timestamp_fmt(col("s"), "dd/MM/yyyy"),
            from_unixtime(lit(0i64)),
            to_date(col("ts")),
            date_format(
                to_timestamp_fmt(lit("2024-01-01 10:00Z"), "yyyy-MM-dd HH:mmX"),
                "HH:mm XXX",
            ),
        ])
        .unwrap();
    assert_eq!(
        rows(&out.collect().unwrap(), "America/Los_Angeles"),
        vec![
            "1\t2023-12-31\t1704009600\t1969-12-31 16:00:00\t2024-02-29\t02:00 -08:00",
            "2\tNULL\tNULL\t1969-12-31 16:00:00\t2023-01-01\t02:00 -08:00",
            "3\tNULL\tNULL\t1969-12-31 16:00:00\tNULL\t02:00 -08:00",
        ]
    );
}

#[test]
fn empty_input_and_many_partitions() {
    let s = session_in("UTC");
    let empty = dates(&s)
        .filter(col("id").gt(lit(10)))
        .unwrap()
        .select([year(col("d")), add_months(col("d"), 1)])
        .unwrap();
    assert!(rows(&empty.collect().unwrap(), "UTC").is_empty());
    // 1000 days spread over partitions: the per-year counts do not depend on partitioning
    let df = s
        .sql("SELECT date_add(date '2023-06-01', CAST(id AS INT)) AS d FROM range(0, 1000, 1, 7)")
        .unwrap();
    df.create_or_replace_temp_view("days").unwrap();
    let out = s
        .sql("SELECT year(d + interval '1' month) AS y, count(*) FROM days GROUP BY 1 ORDER BY 1")
        .unwrap();
    assert_eq!(
        rows(&out.collect().unwrap(), "UTC"),
        vec!["2023\t183", "2024\t366", "2025\t365", "2026\t86"]
    );
}
