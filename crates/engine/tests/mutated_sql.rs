//! Mutated SQL never panics or aborts the engine: a few hundred statements made from
//! valid ones by deleting, repeating, swapping, inserting and cutting tokens (fixed
//! seeds, so a failure reproduces) all end in a result or an ordinary error. A
//! statement timeout keeps a mutation that happens to run long from stalling the test.

use ember::Session;
use ember_common::random::XorShiftRandom;

const SEEDS: &[&str] = &[
    "SELECT a, sum(b) FROM t GROUP BY a HAVING sum(b) > 1 ORDER BY a",
    "SELECT * FROM t JOIN u ON t.a = u.a WHERE t.b IS NOT NULL",
    "SELECT a, row_number() OVER (PARTITION BY a ORDER BY b DESC) FROM t",
    "WITH c AS (SELECT a, b FROM t WHERE b > 0) SELECT c.a, count(*) FROM c GROUP BY c.a",
    "SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END, coalesce(b, 0) FROM t",
    "SELECT a FROM t WHERE a IN (SELECT a FROM u) AND EXISTS (SELECT 1 FROM u WHERE u.a = t.a)",
    "SELECT explode(array(a, b)) FROM t",
    "SELECT a FROM t UNION ALL SELECT a FROM u EXCEPT SELECT 3",
    "SELECT CAST(b AS DECIMAL(10, 2)) / 3, substring(CAST(a AS STRING), 1, 2) FROM t",
    "SELECT named_struct('x', a, 'y', array(b)).y[0], map(a, b)[a] FROM t",
    "SELECT date_add(DATE '2024-01-31', a), TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 DAY FROM t",
    "SELECT a, collect_list(b) FROM t GROUP BY ROLLUP (a)",
    "SELECT * FROM t LEFT ANTI JOIN u USING (a) LIMIT 2 OFFSET 1",
    "SELECT max(a) FILTER (WHERE b > 1), percentile_approx(b, 0.5) FROM t",
    "SELECT from_json('{\"x\": 1}', 'x INT').x, get_json_object('{\"a\":[1,2]}', '$.a[1]')",
];

/// Tokens to insert: keywords, punctuation, literals and names of the test tables.
const VOCABULARY: &[&str] = &[
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "JOIN", "ON", "UNION", "(", ")", ",", "*", "+", "-", "/", "=",
    "<>", "AND", "OR", "NOT", "NULL", "1", "0", "-1", "'x'", "''", "1.5", "1e308", "9223372036854775807", "a", "b", "t",
    "u", "CAST", "AS", "INT", "ARRAY", "<", ">", "[", "]", "OVER", "PARTITION", "CASE", "WHEN", "END", "IN", "EXISTS",
    "DISTINCT", "LIMIT", "INTERVAL", "DAY", ".", ";", "`", "'",
];

/// Splits on spaces and around punctuation (good enough to cut SQL into tokens).
fn tokens(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in sql.chars() {
        if c == ' ' || "(),[]".contains(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if c != ' ' {
                out.push(c.to_string());
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn mutate(sql: &str, rng: &mut XorShiftRandom) -> String {
    let mut t = tokens(sql);
    let mut pick = |n: usize| rng.next_int_bounded(n.max(1) as i32) as usize;
    for _ in 0..1 + pick(3) {
        let n = t.len();
        match pick(5) {
            0 if n > 1 => {
                t.remove(pick(n));
            }
            1 if n > 0 => {
                let i = pick(n);
                let tok = t[i].clone();
                t.insert(i, tok);
            }
            2 if n > 1 => {
                let (i, j) = (pick(n), pick(n));
                t.swap(i, j);
            }
            3 => {
                let tok = VOCABULARY[pick(VOCABULARY.len())].to_string();
                t.insert(pick(n + 1), tok);
            }
            _ => t.truncate(pick(n + 1)),
        }
    }
    t.join(" ")
}

#[test]
fn mutated_statements_return_results_or_errors() {
    let s = Session::builder().config("spark.sql.shuffle.partitions", "2").threads(2).build().unwrap();
    s.sql("CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 2), (2, NULL), (3, 4) AS t(a, b)").unwrap();
    s.sql("CREATE TEMPORARY VIEW u AS SELECT * FROM VALUES (1, 'x'), (3, 'y') AS u(a, c)").unwrap();
    // Every seed runs as written.
    for sql in SEEDS {
        s.sql(sql).and_then(|df| df.collect()).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    s.sql("SET ember.query.timeout=5s").unwrap();
    let mut rng = XorShiftRandom::new(42);
    for (i, seed) in SEEDS.iter().cycle().take(400).enumerate() {
        let sql = mutate(seed, &mut rng);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.sql(&sql).and_then(|df| df.collect())));
        match outcome {
            Err(_) => panic!("case {i} panicked: {sql}"),
            Ok(Err(e)) => assert_ne!(e.class(), "INTERNAL_ERROR", "case {i}: {sql}: {e}"),
            Ok(Ok(_)) => {}
        }
        // Mutations may drop or replace the views; put them back.
        if s.table("t").is_err() || s.table("u").is_err() {
            s.sql("CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 2), (2, NULL), (3, 4) AS t(a, b)").unwrap();
            s.sql("CREATE OR REPLACE TEMPORARY VIEW u AS SELECT * FROM VALUES (1, 'x'), (3, 'y') AS u(a, c)").unwrap();
        }
    }
}
