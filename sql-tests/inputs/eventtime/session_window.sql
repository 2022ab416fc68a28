-- Session windows (Spark's SessionWindowing and the merge below its aggregates): a row's
-- own session [ts, ts + gap), sessions of one key merged when they touch or overlap,
-- static and per-row gaps, NULL times and gaps, non-positive gaps dropping the row,
-- TIMESTAMP_NTZ, window_time, and Spark's errors.
CREATE OR REPLACE TEMPORARY VIEW s AS SELECT * FROM VALUES
  (TIMESTAMP'2024-01-01 00:00:00', 'a', 1, '5 seconds'),
  (TIMESTAMP'2024-01-01 00:00:04', 'a', 2, '5 seconds'),
  (TIMESTAMP'2024-01-01 00:00:09', 'a', 3, '5 seconds'),
  (TIMESTAMP'2024-01-01 00:00:20', 'a', 4, '1 second'),
  (TIMESTAMP'2024-01-01 00:00:02', 'b', 5, '0 seconds'),
  (TIMESTAMP'2024-01-01 00:00:03', 'b', 6, '-1 seconds'),
  (CAST(NULL AS TIMESTAMP), 'b', 7, '5 seconds'),
  (TIMESTAMP'2024-01-01 00:00:01', 'b', 8, CAST(NULL AS STRING)),
  (TIMESTAMP'2024-01-01 00:00:30', 'c', 9, 'not a gap'),
  (TIMESTAMP'2024-01-01 00:00:31', 'c', 10, '1 minute')
  AS s(ts, k, v, gap);
SELECT session_window(ts, '5 seconds'), v FROM s;
SELECT session_window(ts, '5 seconds') AS sw, v FROM s ORDER BY v;
SELECT k, session_window(ts, '5 seconds'), count(*) AS c, sum(v) FROM s GROUP BY k, session_window(ts, '5 seconds');
SELECT session_window(ts, '5 seconds') AS sw, count(*) AS c FROM s GROUP BY session_window(ts, '5 seconds');
SELECT session_window(ts, '4 seconds'), k, sum(v) FROM s GROUP BY 2, 1;
SELECT session_window(ts, '10 seconds'), k, sum(v) FROM s GROUP BY 2, 1;
SELECT k, session_window.start, session_window.end, count(*) FROM s GROUP BY k, session_window(ts, gap);
SELECT k, session_window(ts, gap), collect_list(v) FROM s GROUP BY k, session_window(ts, gap);
SELECT session_window(ts, gap), v FROM s;
SELECT k, session_window(ts, CASE WHEN k = 'a' THEN '5 seconds' ELSE '10 seconds' END) AS sw, count(*) FROM s GROUP BY 1, 2;
SELECT session_window(ts, '1 month') FROM s;
SELECT session_window(ts, 'xyz') FROM s;
SELECT session_window(ts, '0 seconds'), v FROM s;
SELECT session_window(ts, NULL), v FROM s;
SELECT session_window(CAST(ts AS TIMESTAMP_NTZ), '5 seconds'), count(*) FROM s GROUP BY 1;
SELECT session_window(CAST(ts AS DATE), '1 day'), count(*) FROM s GROUP BY 1;
SELECT typeof(session_window(ts, '5 seconds')) FROM s;
SELECT session_window(ts, '5 seconds'), max(v) FROM s GROUP BY session_window(ts, '5 seconds') HAVING max(v) > 2;
SELECT k, window_time(session_window(ts, '5 seconds')) AS wt FROM s;
SELECT upper(k), session_window(ts, '5 seconds'), count(*) FROM s GROUP BY upper(k), session_window(ts, '5 seconds');
SELECT session_window(ts, 5) FROM s;
SELECT session_window(v, '5 seconds') FROM s;
SELECT session_window(ts, INTERVAL '5' SECOND), v FROM s;
SELECT session_window(ts, '5 seconds'), window(ts, '5 seconds') FROM s;
SELECT k, window_time(session_window) AS wt, count(*) FROM s GROUP BY k, session_window(ts, '5 seconds');
