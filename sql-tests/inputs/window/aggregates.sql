-- Aggregates over windows: Spark's default frames (whole partition without ORDER BY;
-- RANGE UNBOUNDED PRECEDING to CURRENT ROW with it, peers included), every built-in
-- aggregate, NULLs, and window aggregates over grouped queries.
CREATE OR REPLACE TEMPORARY VIEW s AS SELECT * FROM VALUES
  ('a', 1, 10), ('a', 2, 20), ('a', 2, 5), ('a', 3, NULL),
  ('b', 1, 1), ('b', 2, NULL),
  (NULL, 1, 100), (NULL, 1, 200)
  AS s(k, t, v);
SELECT k, t, v, sum(v) OVER (PARTITION BY k) AS total FROM s;
SELECT k, t, v, sum(v) OVER (PARTITION BY k ORDER BY t) AS running FROM s;
SELECT k, t, v, count(*) OVER (PARTITION BY k ORDER BY t) AS c, count(v) OVER (PARTITION BY k ORDER BY t) AS cv FROM s;
SELECT k, t, v, avg(v) OVER (PARTITION BY k) AS a, min(v) OVER (PARTITION BY k) AS lo, max(v) OVER (PARTITION BY k) AS hi FROM s;
SELECT k, t, v, sum(v) OVER () AS total, count(*) OVER () AS n FROM s;
SELECT k, t, v, sum(v) OVER (ORDER BY t) AS running FROM s;
SELECT k, v, min(v) OVER (PARTITION BY k ORDER BY v DESC) AS m FROM s;
SELECT k, t, first(v) OVER (PARTITION BY k ORDER BY t, v) AS f, last(v) OVER (PARTITION BY k ORDER BY t, v) AS l FROM s;
SELECT k, v, stddev_samp(v) OVER (PARTITION BY k) AS sd, var_pop(v) OVER (PARTITION BY k) AS vp FROM s WHERE k = 'a';
SELECT k, v, bool_and(v > 1) OVER (PARTITION BY k) AS all_big, bool_or(v > 50) OVER (PARTITION BY k) AS any_huge FROM s;
SELECT k, v, count_if(v > 5) OVER (PARTITION BY k) AS c FROM s;
SELECT k, t, sum(CAST(v AS DECIMAL(10, 2))) OVER (PARTITION BY k ORDER BY t) AS d, avg(CAST(v AS DECIMAL(10, 2))) OVER (PARTITION BY k) AS da FROM s;
SELECT k, sum(v) AS total, sum(sum(v)) OVER () AS grand, sum(v) * 100 / sum(sum(v)) OVER () AS pct FROM s GROUP BY k;
SELECT k, sum(v) AS total, rank() OVER (ORDER BY sum(v) DESC) AS r FROM s GROUP BY k;
SELECT t, count(*) AS n, sum(count(*)) OVER (ORDER BY t) AS running FROM s GROUP BY t;
SELECT k, v, sum(v) OVER (PARTITION BY k) / 2 AS half, v * 1.0 / sum(v) OVER (PARTITION BY k) AS share FROM s WHERE k = 'a';
SELECT k, v, sum(v) OVER (PARTITION BY k) AS s1, avg(v) OVER (PARTITION BY k ORDER BY t) AS s2, max(v) OVER (ORDER BY v) AS s3 FROM s;
SELECT sum(v) OVER (PARTITION BY k) FROM s WHERE false;
SELECT k, t, v, count(*) OVER (PARTITION BY k ORDER BY t RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS peers FROM s;
SELECT k, sum(v) AS total, rank() OVER (ORDER BY sum(v)) AS r FROM s GROUP BY ALL;
