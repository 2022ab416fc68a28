-- EXPLAIN shows the physical plan with stages; EXTENDED shows every plan.
CREATE OR REPLACE TEMPORARY VIEW a AS SELECT * FROM VALUES (1, 'x', 10), (2, 'y', 20) AS a(id, name, v);
CREATE OR REPLACE TEMPORARY VIEW b AS SELECT * FROM VALUES (1, 100), (3, 300) AS b(id, w);
EXPLAIN SELECT name FROM a WHERE v > 5;
EXPLAIN EXTENDED SELECT a.name, sum(b.w) FROM a JOIN b ON a.id = b.id WHERE a.v > 5 GROUP BY a.name;
EXPLAIN SELECT * FROM a ORDER BY v DESC LIMIT 1;
