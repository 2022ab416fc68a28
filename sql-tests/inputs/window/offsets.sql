-- lag, lead (offsets, defaults, IGNORE NULLS) and first_value, last_value, nth_value
-- over frames, at partition edges.
CREATE OR REPLACE TEMPORARY VIEW s AS SELECT * FROM VALUES
  ('a', 1, 10), ('a', 2, NULL), ('a', 3, 30), ('a', 4, 40),
  ('b', 1, NULL), ('b', 2, 5),
  ('c', 1, 7)
  AS s(k, t, v);
SELECT k, t, v, lag(v) OVER (PARTITION BY k ORDER BY t) FROM s;
SELECT k, t, v, lead(v) OVER (PARTITION BY k ORDER BY t) FROM s;
SELECT k, t, lag(v, 2) OVER (PARTITION BY k ORDER BY t) AS l2, lead(v, 2, -1) OVER (PARTITION BY k ORDER BY t) AS f2 FROM s;
SELECT k, t, lag(v, 1, 0) OVER (PARTITION BY k ORDER BY t) AS l FROM s;
SELECT k, t, lag(v, 0) OVER (PARTITION BY k ORDER BY t) AS same, lag(v, -1) OVER (PARTITION BY k ORDER BY t) AS next FROM s;
SELECT k, t, lag(v) IGNORE NULLS OVER (PARTITION BY k ORDER BY t) AS l, lead(v) IGNORE NULLS OVER (PARTITION BY k ORDER BY t) AS f FROM s;
SELECT k, t, lag(v, 1, t * 100) OVER (PARTITION BY k ORDER BY t) AS l FROM s;
SELECT k, t, lag(k) OVER (ORDER BY k, t) AS prev_k FROM s;
SELECT k, t, first_value(v) OVER (PARTITION BY k ORDER BY t) AS fv, last_value(v) OVER (PARTITION BY k ORDER BY t) AS lv FROM s;
SELECT k, t, first_value(v) OVER w AS fv, last_value(v) OVER w AS lv FROM s
  WINDOW w AS (PARTITION BY k ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);
SELECT k, t, first_value(v) IGNORE NULLS OVER w AS fv, last_value(v) IGNORE NULLS OVER w AS lv FROM s
  WINDOW w AS (PARTITION BY k ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);
SELECT k, t, first_value(v, true) OVER (PARTITION BY k ORDER BY t DESC) AS fv FROM s;
SELECT k, t, nth_value(v, 2) OVER (PARTITION BY k ORDER BY t) AS n2 FROM s;
SELECT k, t, nth_value(v, 2) IGNORE NULLS OVER (PARTITION BY k ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n2 FROM s;
SELECT k, t, nth_value(v, 3) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n3 FROM s;
SELECT k, t, first_value(v) OVER (PARTITION BY k) AS fv FROM s WHERE k = 'c';
SELECT lag(v) OVER (ORDER BY t), lead(v) OVER (ORDER BY t) FROM s WHERE false;
SELECT k, t, v - lag(v) OVER (PARTITION BY k ORDER BY t) AS delta FROM s;
