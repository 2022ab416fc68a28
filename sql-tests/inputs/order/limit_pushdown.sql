-- LIMIT and OFFSET stay global wherever they are pushed: into scans (range, VALUES,
-- CSV, JSON, Parquet), through projections, unions, outer joins, CTEs and views. The
-- first rows of an input in a defined order are its first rows at any partitioning.
SELECT * FROM range(1, 101) LIMIT 2;
WITH x AS (SELECT * FROM range(0, 100) LIMIT 4) SELECT count(*) FROM x;
SELECT count(*) FROM (SELECT * FROM range(0, 1000) LIMIT 17);
SELECT sum(id) FROM (SELECT id FROM range(0, 1000) LIMIT 10);
SELECT * FROM range(0, 100) LIMIT 3 OFFSET 50;
SELECT * FROM range(0, 100) OFFSET 97;
SELECT count(*) FROM (SELECT * FROM range(0, 100) OFFSET 10);
SELECT id * 2 AS twice FROM range(10, 20) LIMIT 3;
SELECT * FROM range(0, 10) LIMIT 0;
SELECT * FROM range(0, 3) LIMIT 100;
-- Limits over unions, outer joins and CTEs.
SELECT count(*) FROM (SELECT * FROM range(0, 50) UNION ALL SELECT * FROM range(100, 150) LIMIT 7);
SELECT * FROM (SELECT * FROM range(0, 5) UNION ALL SELECT * FROM range(100, 105)) LIMIT 7;
SELECT count(*) FROM (SELECT a.id FROM range(0, 20) a LEFT JOIN range(0, 5) b ON a.id = b.id LIMIT 6);
SELECT count(*) FROM (SELECT a.id FROM range(0, 20) a RIGHT JOIN range(0, 5) b ON a.id = b.id LIMIT 3);
SELECT count(*) FROM (SELECT * FROM range(0, 20) a CROSS JOIN range(0, 20) b LIMIT 9);
SELECT count(*) FROM (SELECT * FROM range(0, 20) a LEFT SEMI JOIN range(0, 5) b LIMIT 4);
WITH x AS (SELECT * FROM range(0, 100) LIMIT 4) SELECT count(*) FROM x a JOIN x b ON a.id = b.id;
WITH x AS (SELECT id FROM range(0, 100) LIMIT 5) SELECT * FROM x WHERE id > 1;
SELECT * FROM range(0, 100) WHERE id % 7 = 3 LIMIT 4;
SELECT count(*), sum(id) FROM (SELECT * FROM range(0, 100) LIMIT 30) WHERE id % 2 = 0;
SELECT id FROM range(0, 10) WHERE id IN (SELECT id FROM range(0, 100) LIMIT 3);
-- Views and VALUES.
CREATE OR REPLACE TEMPORARY VIEW v AS SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f') AS v(k, s);
SELECT * FROM v LIMIT 2;
SELECT s FROM v LIMIT 2 OFFSET 3;
CREATE OR REPLACE TEMPORARY VIEW first3 AS SELECT * FROM v LIMIT 3;
SELECT count(*), max(k) FROM first3;
SELECT * FROM first3 UNION ALL SELECT * FROM first3 ORDER BY k, s;
SELECT k FROM v ORDER BY k DESC LIMIT 2 OFFSET 1;
-- Files: the first rows in file order.
CREATE OR REPLACE TEMPORARY VIEW people USING csv OPTIONS (path 'data/people.csv', header 'true', inferSchema 'true');
SELECT id, name FROM people LIMIT 3;
SELECT count(*) FROM (SELECT * FROM people LIMIT 4);
SELECT name FROM people LIMIT 2 OFFSET 8;
SELECT order_id FROM json.`data/orders.json` LIMIT 2;
SELECT count(*) FROM (SELECT * FROM json.`data/orders.json` LIMIT 5);
SELECT count(*) FROM (SELECT * FROM parquet.`data/sales.parquet` LIMIT 5);
SELECT count(*) FROM (SELECT * FROM parquet.`data/sales.parquet` LIMIT 100);
-- Limits that are not constant INTs.
SELECT * FROM range(0, 10) LIMIT 1 + 1;
SELECT * FROM range(0, 10) LIMIT CAST(2.7 AS INT);
SELECT * FROM range(0, 10) LIMIT 2L;
SELECT * FROM range(0, 10) LIMIT NULL;
SELECT * FROM range(0, 10) LIMIT CAST(NULL AS INT);
SELECT * FROM range(0, 10) LIMIT id;
SELECT * FROM range(0, 10) LIMIT (SELECT 1);
SELECT * FROM range(0, 10) LIMIT 2147483648;
SELECT * FROM range(0, 10) OFFSET -1;
-- Limits under joins, semi joins, aggregates, windows, set operations and subqueries.
CREATE OR REPLACE TEMPORARY VIEW big AS SELECT id, id % 10 AS k FROM range(0, 1000);
CREATE OR REPLACE TEMPORARY VIEW small AS SELECT * FROM VALUES (1, 'one'), (2, 'two'), (3, 'three') AS small(k, name);
SELECT count(*) FROM (SELECT * FROM big LIMIT 20) b JOIN small s ON b.k = s.k;
SELECT s.name, count(*) FROM (SELECT * FROM big LIMIT 20) b JOIN small s ON b.k = s.k GROUP BY s.name ORDER BY s.name;
SELECT count(*) FROM (SELECT * FROM big LIMIT 20) b WHERE b.k IN (SELECT k FROM small WHERE name = 'one');
SELECT count(*) FROM (SELECT * FROM big LIMIT 20) b WHERE EXISTS (SELECT 1 FROM small s WHERE s.k = b.k);
SELECT count(*) FROM (SELECT * FROM big LIMIT 20) b WHERE NOT EXISTS (SELECT 1 FROM small s WHERE s.k = b.k);
SELECT count(*) FROM (SELECT * FROM big LIMIT 20) b LEFT SEMI JOIN small s ON b.k = s.k;
SELECT k, count(*) FROM (SELECT * FROM big LIMIT 25) GROUP BY k ORDER BY k;
SELECT sum(id) FROM (SELECT * FROM big LIMIT 20) WHERE k > 5;
SELECT id, row_number() OVER (ORDER BY id DESC) AS rn FROM (SELECT * FROM big LIMIT 5) ORDER BY id;
SELECT count(*) FROM (SELECT DISTINCT k FROM (SELECT * FROM big LIMIT 5));
SELECT count(*) FROM (SELECT * FROM big LIMIT 20) b JOIN (SELECT * FROM big LIMIT 15) c ON b.id = c.id;
SELECT count(*) FROM (SELECT * FROM big WHERE k = 3 LIMIT 7) b JOIN small s ON b.k = s.k WHERE s.name = 'three';
SELECT max(id) FROM (SELECT * FROM big LIMIT 50) b, small s WHERE b.k = s.k AND s.k = 2;
SELECT count(*) FROM (SELECT * FROM (SELECT * FROM big LIMIT 30) LIMIT 40);
SELECT count(*) FROM (SELECT * FROM (SELECT * FROM big LIMIT 30) OFFSET 25);
SELECT count(*) FROM ((SELECT * FROM big LIMIT 3) UNION (SELECT * FROM big LIMIT 5));
SELECT count(*) FROM ((SELECT * FROM big LIMIT 10) INTERSECT (SELECT * FROM big LIMIT 5));
SELECT count(*) FROM ((SELECT * FROM big LIMIT 10) EXCEPT (SELECT * FROM big LIMIT 5));
SELECT (SELECT count(*) FROM (SELECT * FROM big LIMIT 13));
SELECT k, (SELECT count(*) FROM (SELECT * FROM big LIMIT 13) b WHERE b.k = s.k) FROM small s ORDER BY k;
SELECT count(*) FROM big b1 JOIN big b2 ON b1.id = b2.id WHERE b1.id IN (SELECT id FROM big LIMIT 10);
