-- -0.0 equals 0.0 and NaN equals NaN in comparisons, grouping, joins, DISTINCT, set
-- operations and window partitions, also inside arrays and structs, at any partitioning
-- (Spark's NormalizeFloatingNumbers).
CREATE OR REPLACE TEMPORARY VIEW f AS SELECT * FROM VALUES (0.0D, 1), (-0.0D, 2), (CAST('NaN' AS DOUBLE), 3), (CAST('NaN' AS DOUBLE), 4), (1.0D, 5), (-0.0D, 6) AS f(k, v);
SELECT k, count(*), sum(v) FROM f GROUP BY k ORDER BY k;
SELECT count(DISTINCT k) FROM f;
SELECT DISTINCT k FROM f ORDER BY k;
SELECT a.v, b.v FROM f a JOIN f b ON a.k = b.k ORDER BY a.v, b.v;
SELECT k, v FROM f WHERE k = 0.0 ORDER BY v;
SELECT k FROM f INTERSECT SELECT k FROM f ORDER BY k;
SELECT k, sum(v) OVER (PARTITION BY k) FROM f ORDER BY v;
CREATE OR REPLACE TEMPORARY VIEW g AS SELECT * FROM VALUES (CAST(0.0 AS FLOAT), 1), (CAST(-0.0 AS FLOAT), 2) AS g(k, v);
SELECT k, count(*) FROM g GROUP BY k;
SELECT array(0.0D), count(*) FROM VALUES (array(0.0D)), (array(-0.0D)) AS t(a) GROUP BY a;
SELECT count(*) FROM (SELECT named_struct('x', k) AS s FROM f) GROUP BY s;
