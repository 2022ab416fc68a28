-- CACHE TABLE, CACHE TABLE … AS SELECT, CACHE LAZY TABLE, UNCACHE TABLE, CLEAR CACHE;
-- cached plans show InMemoryTableScan and give the same rows.
DROP TABLE IF EXISTS cached_t;
CREATE TEMPORARY VIEW nums AS SELECT id, id % 3 AS k, IF(id = 4, NULL, id * 10) AS v FROM range(10);
CACHE TABLE nums;
EXPLAIN SELECT k, sum(v) FROM nums GROUP BY k;
SELECT k, sum(v), count(v) FROM nums GROUP BY k ORDER BY k;
SELECT * FROM nums WHERE v IS NULL;
UNCACHE TABLE nums;
EXPLAIN SELECT k FROM nums;
SELECT count(*) FROM nums;

CACHE TABLE evens AS SELECT id FROM range(10) WHERE id % 2 = 0;
EXPLAIN SELECT * FROM evens;
SELECT * FROM evens ORDER BY id;
SELECT a.id, b.id FROM evens a JOIN evens b ON a.id = b.id + 2 ORDER BY a.id;
CACHE TABLE nothing AS SELECT id FROM range(3) WHERE id > 5;
SELECT count(*) FROM nothing;
CACHE LAZY TABLE nums;
SELECT max(v) FROM nums;

CREATE TABLE cached_t (a INT, b STRING) USING parquet;
INSERT INTO cached_t VALUES (1, 'x'), (2, NULL);
CACHE TABLE cached_t;
EXPLAIN SELECT * FROM cached_t;
SELECT * FROM cached_t ORDER BY a;
-- An INSERT drops the table's cache, so new rows are seen.
INSERT INTO cached_t VALUES (3, 'z');
SELECT * FROM cached_t ORDER BY a;
CACHE TABLE cached_t;

CLEAR CACHE;
EXPLAIN SELECT * FROM evens;
SELECT count(*) FROM cached_t;
SELECT count(*) FROM evens;

-- Errors.
CACHE TABLE no_such_table;
UNCACHE TABLE no_such_table;
UNCACHE TABLE IF EXISTS no_such_table;
CACHE TABLE evens AS SELECT 1;

DROP TABLE cached_t;
DROP VIEW nums;
DROP VIEW evens;
DROP VIEW nothing;
