-- Aggregates over empty inputs: one row without GROUP BY, none with it.
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(x, y);
SELECT count(*), sum(x), avg(x), min(y), max(y) FROM t WHERE x > 10;
SELECT y, count(*) FROM t WHERE x > 10 GROUP BY y;
SELECT count(DISTINCT x) FROM t WHERE false;
SELECT * FROM t WHERE false;
SELECT x FROM t WHERE x > 10 ORDER BY x;
SELECT DISTINCT y FROM t WHERE false;
SELECT * FROM t LIMIT 0;
