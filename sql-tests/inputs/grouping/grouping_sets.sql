-- GROUPING SETS, ROLLUP, CUBE, WITH ROLLUP / WITH CUBE, grouping() and grouping_id().
-- `a` has a NULL key of its own: grouping(a) tells it apart from a rolled-up NULL.
CREATE OR REPLACE TEMPORARY VIEW g AS SELECT * FROM VALUES
  (1, 'x', 10), (1, 'y', 20), (1, 'y', NULL), (2, 'x', 30), (NULL, 'z', 40), (2, 'x', 5)
  AS g(a, b, c);
SELECT a, b, sum(c) FROM g GROUP BY GROUPING SETS ((a, b), (a), ()) ORDER BY a, b, grouping_id();
SELECT a, b, sum(c), grouping(a), grouping(b), grouping_id() FROM g GROUP BY GROUPING SETS ((a, b), (a), ()) ORDER BY grouping_id(), a, b;
SELECT a, b, count(*) FROM g GROUP BY GROUPING SETS ((a), (b)) ORDER BY a, b;
SELECT a, count(*) FROM g GROUP BY GROUPING SETS (()) ;
SELECT a, b, sum(c) FROM g GROUP BY ROLLUP(a, b) ORDER BY a, b, grouping_id();
SELECT a, b, sum(c) FROM g GROUP BY CUBE(a, b) ORDER BY a, b, grouping_id();
SELECT a, b, sum(c) FROM g GROUP BY a, b WITH ROLLUP ORDER BY a, b, grouping_id();
SELECT a, b, sum(c) FROM g GROUP BY a, b WITH CUBE ORDER BY a, b, grouping_id();
SELECT a, sum(c) FROM g GROUP BY a WITH ROLLUP ORDER BY a, grouping_id();
SELECT a, b, grouping_id(a, b), sum(c) FROM g GROUP BY CUBE(a, b) ORDER BY 3, 1, 2;
SELECT a, grouping(a), sum(c) FROM g GROUP BY ROLLUP(a) ORDER BY a, 2;
SELECT CASE WHEN grouping(a) = 1 THEN 'all' ELSE coalesce(CAST(a AS STRING), 'null key') END AS k, sum(c) FROM g GROUP BY ROLLUP(a) ORDER BY k;
SELECT a, b, sum(c) FROM g GROUP BY a, ROLLUP(b) ORDER BY a, b;
SELECT a, b, sum(c) FROM g GROUP BY CUBE(a), ROLLUP(b) ORDER BY a, b, grouping_id();
SELECT a, b, c, count(*) FROM g GROUP BY ROLLUP((a, b), c) ORDER BY a, b, c, grouping_id();
SELECT a, count(*) FROM g GROUP BY GROUPING SETS ((a), (a)) ORDER BY a;
SELECT a, sum(a), count(a) FROM g GROUP BY ROLLUP(a) ORDER BY a, grouping_id();
SELECT a + 1 AS a1, sum(c) FROM g GROUP BY ROLLUP(a + 1) ORDER BY a1, grouping_id();
SELECT a, b, sum(c) FROM g GROUP BY ROLLUP(1, 2) ORDER BY 1, 2, grouping_id();
SELECT a AS k, sum(c) FROM g GROUP BY ROLLUP(k) ORDER BY k, grouping_id();
SELECT a, b, sum(c) FROM g GROUP BY ROLLUP(a, b) HAVING grouping(b) = 1 ORDER BY a, 3;
SELECT a, sum(c) AS s FROM g GROUP BY ROLLUP(a) HAVING sum(c) > 40 ORDER BY a;
SELECT a, b, sum(c) FROM g GROUP BY CUBE(a, b) ORDER BY grouping_id(a, b) DESC, a, b LIMIT 3;
SELECT grouping_id() AS gid, count(*) FROM (SELECT * FROM g) t GROUP BY CUBE(a, b) ORDER BY gid, 2;
SELECT b, count(DISTINCT a), max(c) FROM g GROUP BY ROLLUP(b) ORDER BY b;
SELECT b, sum(c) FILTER (WHERE a = 1) FROM g GROUP BY ROLLUP(b) ORDER BY b;
SELECT a, sum(c) FROM g WHERE c > 100 GROUP BY ROLLUP(a);
SELECT a, sum(c) FROM g WHERE c = 40 GROUP BY ROLLUP(a) ORDER BY a;
SELECT a, b, sum(c) FROM g GROUP BY GROUPING SETS ((a, b)) ORDER BY a, b;
-- errors
SELECT grouping(a) FROM g GROUP BY a;
SELECT a, grouping_id() FROM g GROUP BY a;
SELECT grouping(c) FROM g GROUP BY ROLLUP(a);
SELECT grouping_id(b) FROM g GROUP BY ROLLUP(a, b);
SELECT grouping_id(b, a) FROM g GROUP BY CUBE(a, b);
SELECT a, c, sum(c) FROM g GROUP BY ROLLUP(a);
SELECT grouping(a) FROM g;
SELECT count(*) FROM g GROUP BY GROUPING SETS (());
SELECT a, count(*) FROM g;
