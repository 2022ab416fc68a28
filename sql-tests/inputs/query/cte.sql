-- WITH (common table expressions) and subqueries in FROM.
WITH a AS (SELECT 1 AS x) SELECT * FROM a;
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b;
WITH t AS (SELECT * FROM VALUES (1), (2), (3) AS v(n)) SELECT sum(n) FROM t WHERE n > 1;
WITH t AS (SELECT 1 AS n) SELECT * FROM t a JOIN t b ON a.n = b.n;
WITH t(a, b) AS (SELECT 1, 2) SELECT a + b FROM t;
WITH x AS (SELECT 'outer' AS s) SELECT * FROM (WITH x AS (SELECT 'inner' AS s) SELECT * FROM x);
SELECT * FROM (SELECT * FROM (SELECT 1 AS deep) d1) d2;
WITH t AS (SELECT 1 AS n) SELECT * FROM tt;
