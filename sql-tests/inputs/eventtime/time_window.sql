-- Tumbling and sliding event-time windows (Spark's TimeWindowing): the `window` column,
-- its struct type, boundaries before 1970, startTime offsets, one row per overlapping
-- window, NULL times dropped, windows in GROUP BY with other keys, field access,
-- window_time, TIMESTAMP_NTZ, and Spark's errors.
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES
  (TIMESTAMP'2024-01-01 00:00:07', 'a', 1),
  (TIMESTAMP'2024-01-01 00:00:12', 'a', 2),
  (TIMESTAMP'2024-01-01 00:00:13', 'b', 3),
  (CAST(NULL AS TIMESTAMP), 'a', 4),
  (TIMESTAMP'1969-12-31 23:59:57', 'b', 5),
  (TIMESTAMP'2024-01-01 00:00:20', 'b', 6)
  AS t(ts, k, v);
SELECT window(ts, '10 seconds'), ts FROM t;
SELECT window(ts, '10 seconds') AS w, v FROM t;
SELECT window(ts, '10 seconds').start AS s, v FROM t;
SELECT window(ts, '10 seconds').start, window(ts, '10 seconds').end, v FROM t;
SELECT window(ts, '10 seconds', '5 seconds'), v FROM t;
SELECT window(ts, '10 seconds', '3 seconds'), v FROM t;
SELECT window(ts, '10 seconds', '5 seconds', '2 seconds'), v FROM t;
SELECT window(ts, '10 seconds', '5 seconds', '-2 seconds'), v FROM t;
SELECT window(ts, '10 seconds', 3000000, '1 second'), v FROM t WHERE k = 'a';
SELECT window(ts, 5000000), v FROM t;
SELECT window(ts, '1 day'), v FROM t;
SELECT window(ts, '1 hour 30 minutes'), v FROM t;
SELECT window(ts, 'interval 10 seconds'), v FROM t;
SELECT window(CAST(ts AS DATE), '1 day'), v FROM t;
SELECT window(CAST(ts AS STRING), '1 day'), v FROM t;
SELECT window(CAST(ts AS TIMESTAMP_NTZ), '10 seconds'), v FROM t;
SELECT typeof(window(ts, '1 day')) FROM t;
SELECT window(ts, '10 seconds'), k, sum(v) FROM t GROUP BY window(ts, '10 seconds'), k;
SELECT window.start, window.end, k, count(*) AS c FROM t GROUP BY window(ts, '10 seconds'), k ORDER BY 1, 3;
SELECT window(ts, '10 seconds', '5 seconds') AS w, count(*) AS c, sum(v) AS s FROM t GROUP BY 1 ORDER BY w.start;
SELECT window(ts, '20 seconds', '15 seconds'), count(*) FROM t GROUP BY 1;
SELECT window(ts, '1 hour'), count(*) FROM t GROUP BY window(ts, '1 hour') HAVING count(*) > 1;
SELECT k, count(*) FROM t GROUP BY k, window(ts, '5 seconds');
SELECT ts, v FROM t WHERE window(ts, '10 seconds').start = TIMESTAMP'2024-01-01 00:00:10';
SELECT window_time(window(ts, '10 seconds')) FROM t;
SELECT typeof(window_time(window(ts, '1 day'))) FROM t;
SELECT window_time(window(CAST(ts AS TIMESTAMP_NTZ), '10 seconds')) AS wt FROM t;
SELECT window(ts, '1 month') FROM t;
SELECT window(ts, '10 seconds'), window(ts, '20 seconds') FROM t;
SELECT window(ts, '0 seconds') FROM t;
SELECT window(ts, '10 seconds', '20 seconds') FROM t;
SELECT window(ts, '-10 seconds') FROM t;
SELECT window(ts, '10 seconds', '0 seconds') FROM t;
SELECT window(ts, '10 seconds', '5 seconds', '12 seconds') FROM t;
SELECT window(ts, 'abc') FROM t;
SELECT window(v, '10 seconds') FROM t;
SELECT window(ts, INTERVAL '10' SECOND) FROM t;
SELECT window(ts, '10 seconds') FROM t GROUP BY k;
SELECT window_time(window) AS wt, count(*) FROM t GROUP BY window(ts, '10 seconds');
