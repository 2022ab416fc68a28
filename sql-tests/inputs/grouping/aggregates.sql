-- Statistical, percentile, collection, boolean and by-ordering aggregates.
CREATE OR REPLACE TEMPORARY VIEW s AS SELECT * FROM VALUES
  ('a', 1, 10.0, 'p'), ('a', 2, 20.0, 'q'), ('a', 3, 15.0, 'p'), ('a', NULL, 40.0, NULL),
  ('b', 5, 1.0, 'r'), ('b', 5, 1.0, 'r'), ('c', 7, NULL, 's')
  AS s(k, x, y, w);
SELECT k, corr(x, y), covar_pop(x, y), covar_samp(x, y) FROM s GROUP BY k ORDER BY k;
SELECT corr(x, x), covar_pop(x, 2 * x), covar_samp(y, x) FROM s;
SELECT k, stddev(x), stddev_samp(x), stddev_pop(x), std(x) FROM s GROUP BY k ORDER BY k;
SELECT k, variance(x), var_samp(x), var_pop(x) FROM s GROUP BY k ORDER BY k;
SELECT percentile(x, 0.5), percentile(x, 0), percentile(x, 1), percentile(x, 0.25) FROM s;
SELECT k, percentile(y, 0.5), median(y) FROM s GROUP BY k ORDER BY k;
SELECT percentile(x, array(0.1, 0.5, 0.9)) FROM s;
SELECT median(x), median(y) FROM s;
SELECT percentile_approx(x, 0.5), approx_percentile(x, 0.5), percentile_approx(x, 0.5, 100) FROM s;
SELECT percentile_approx(x, array(0, 0.25, 0.5, 0.75, 1)) FROM s;
SELECT k, percentile_approx(y, 0.5) FROM s GROUP BY k ORDER BY k;
SELECT percentile_approx(col, array(0.5, 0.4, 0.1), 100) FROM VALUES (0), (1), (2), (10) AS tab(col);
SELECT percentile_approx(col, 0.5, 100) FROM VALUES (0), (6), (7), (9), (10) AS tab(col);
SELECT percentile(col, 0.3) FROM VALUES (0), (10) AS tab(col);
SELECT k, approx_count_distinct(w), approx_count_distinct(x) FROM s GROUP BY k ORDER BY k;
SELECT approx_count_distinct(w), count(DISTINCT w) FROM s;
SELECT k, collect_list(x), sort_array(collect_set(x)) FROM s GROUP BY k ORDER BY k;
SELECT sort_array(collect_set(w)), size(collect_list(w)) FROM s;
SELECT k, collect_list(w) FROM s WHERE w IS NULL GROUP BY k;
SELECT k, bool_and(x > 1), bool_or(x > 4), every(x > 0), some(x > 6) FROM s GROUP BY k ORDER BY k;
SELECT k, count_if(x > 2), count_if(w = 'p') FROM s GROUP BY k ORDER BY k;
SELECT k, max_by(w, x), min_by(w, x) FROM s GROUP BY k ORDER BY k;
SELECT max_by(k, y), min_by(k, y), max_by(x, w) FROM s;
SELECT first(w), first(w, true), last(x, true) FROM s WHERE k = 'c';
SELECT k, any_value(k) FROM s GROUP BY k ORDER BY k;
SELECT count(DISTINCT k, w), count(DISTINCT x, w), count(DISTINCT k) FROM s;
SELECT k, count(DISTINCT x, w) FROM s GROUP BY k ORDER BY k;
-- one row and empty input
SELECT corr(x, y), covar_samp(x, y), covar_pop(x, y), stddev(x), percentile(x, 0.5), percentile_approx(x, 0.5), collect_list(x), max_by(w, x) FROM s WHERE k = 'c';
SELECT corr(x, y), covar_pop(x, y), median(x), percentile_approx(x, 0.5), collect_list(x), collect_set(w), approx_count_distinct(x), max_by(w, x), bool_and(x > 1), count_if(x > 1) FROM s WHERE false;
SELECT k, collect_list(x), median(x) FROM s WHERE false GROUP BY k;
-- errors
SELECT percentile(x, 1.5) FROM s;
SELECT percentile_approx(x, 0.5, -1) FROM s;
SELECT corr(w, x) FROM s;
SELECT max_by(x) FROM s;
SELECT percentile(w, 0.5) FROM s;
SELECT percentile(col, 0.5, freq) FROM VALUES (1, 1), (2, 3), (10, 0), (5, NULL) AS tab(col, freq);
SELECT percentile(col, 0.5, freq) FROM VALUES (1, -1) AS tab(col, freq);
-- corr of a constant column divides by zero: an error under ANSI, NULL without
SELECT k, corr(x, y) FROM s WHERE k <> 'b' GROUP BY k ORDER BY k;
SET spark.sql.ansi.enabled=false;
SELECT k, corr(x, y), covar_pop(x, y), covar_samp(x, y) FROM s GROUP BY k ORDER BY k;
SET spark.sql.ansi.enabled=true;
-- strings are cast to DOUBLE; names show first/last without their flag
SELECT median(CAST(x AS STRING)), percentile(CAST(x AS STRING), 0.5), percentile(x, '0.5'), percentile_approx(CAST(x AS STRING), 0.5) FROM s;
SELECT k, first(w), first(w, true) || '!', last(w, false) FROM s GROUP BY k ORDER BY k;
