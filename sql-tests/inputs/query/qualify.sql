-- QUALIFY: filters on window functions after they are computed; select aliases visible.
CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20), (2, 'a', 30), (2, null, 40) AS t(k, c, v);
SELECT k, v FROM t QUALIFY row_number() OVER (PARTITION BY k ORDER BY v) = 1;
SELECT k, v, rank() OVER (PARTITION BY k ORDER BY v DESC) AS r FROM t QUALIFY r = 1;
SELECT DISTINCT k FROM t QUALIFY row_number() OVER (ORDER BY v) = 1;
SELECT k FROM t QUALIFY row_number() OVER (PARTITION BY k ORDER BY v) = 1 ORDER BY k DESC;
SELECT k FROM t WHERE v > 10 QUALIFY count(*) OVER (PARTITION BY k) > 1;
SELECT c, v FROM t QUALIFY sum(v) OVER (PARTITION BY c) > 30 ORDER BY v;
SELECT k, v FROM t WHERE false QUALIFY row_number() OVER (ORDER BY v) = 1;
SELECT k, v FROM t QUALIFY k > 1;
SELECT k FROM t QUALIFY zz = 1;
SELECT k FROM t QUALIFY sum(v) > 1;
