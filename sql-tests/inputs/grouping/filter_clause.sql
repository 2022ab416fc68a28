-- Aggregate FILTER (WHERE …), alone, with DISTINCT, with GROUP BY and with ROLLUP.
CREATE OR REPLACE TEMPORARY VIEW f AS SELECT * FROM VALUES
  ('a', 1, true), ('a', 2, false), ('a', NULL, true), ('b', 4, NULL), ('b', 4, true)
  AS f(k, v, ok);
SELECT count(*) FILTER (WHERE ok), sum(v) FILTER (WHERE ok), avg(v) FILTER (WHERE v > 1) FROM f;
SELECT k, count(*) FILTER (WHERE ok), max(v) FILTER (WHERE NOT ok) FROM f GROUP BY k ORDER BY k;
SELECT count(DISTINCT v) FILTER (WHERE ok), sum(DISTINCT v) FILTER (WHERE k = 'b') FROM f;
SELECT collect_list(v) FILTER (WHERE ok), median(v) FILTER (WHERE k = 'a') FROM f;
SELECT k, sum(v) FILTER (WHERE v IS NULL) FROM f GROUP BY k ORDER BY k;
SELECT k, sum(v) FILTER (WHERE ok), grouping(k) FROM f GROUP BY ROLLUP(k) ORDER BY k;
SELECT count(*) FILTER (WHERE v > 100), sum(v) FILTER (WHERE false) FROM f;
SELECT sum(v) FILTER (WHERE sum(v) > 1) FROM f;
SELECT sum(v) FILTER (WHERE v) FROM f;
