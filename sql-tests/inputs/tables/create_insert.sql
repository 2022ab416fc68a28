-- Catalog tables: CREATE TABLE, INSERT INTO / OVERWRITE, SELECT, DESCRIBE,
-- SHOW TABLES, SHOW CREATE TABLE, DROP TABLE. Each script runs in its own warehouse.
DROP TABLE IF EXISTS people;
DROP TABLE IF EXISTS scores;
DROP TABLE IF EXISTS typed;

CREATE TABLE people (id INT, name STRING, height DOUBLE) USING parquet;
SELECT * FROM people;
INSERT INTO people VALUES (1, 'Ada', 1.65), (2, 'Alan', NULL), (3, NULL, 1.8);
SELECT * FROM people ORDER BY id;
INSERT INTO TABLE people SELECT 4, 'Grace', 1.5;
INSERT INTO default.people SELECT id + 10, upper(name), height FROM people WHERE id <= 2;
SELECT count(*), count(name), sum(id) FROM people;
SELECT * FROM spark_catalog.default.people WHERE id > 3 ORDER BY id;
INSERT OVERWRITE TABLE people VALUES (100, 'only', 2.0);
SELECT * FROM people;
INSERT OVERWRITE people SELECT * FROM people WHERE id < 0;
SELECT count(*) FROM people;
DESCRIBE people;
DESCRIBE TABLE EXTENDED people;
SHOW CREATE TABLE people;

-- Types are coerced by position as Spark's ANSI store assignment does.
CREATE TABLE typed (b TINYINT, l BIGINT, d DECIMAL(6,2), s STRING, dt DATE, ts TIMESTAMP, ok BOOLEAN) USING json;
INSERT INTO typed VALUES (1, 2, 3.456, 'x', DATE'2024-02-29', TIMESTAMP'2024-01-01 10:00:00', true);
INSERT INTO typed SELECT 127, -1, 9999.99, 42, NULL, NULL, NULL;
INSERT INTO typed SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL;
SELECT * FROM typed ORDER BY b NULLS LAST;
INSERT INTO typed SELECT 128, 1, 1, 'x', NULL, NULL, NULL;
INSERT INTO typed SELECT 1, 1, 123456.7, 'x', NULL, NULL, NULL;
INSERT INTO typed SELECT 'one', 1, 1, 'x', NULL, NULL, NULL;
INSERT INTO typed SELECT 1, 2;
INSERT INTO typed SELECT 1, 2, 3, 4, 5, 6, 7, 8;
SELECT count(*) FROM typed;

-- CSV tables keep their OPTIONS for reading and writing.
CREATE TABLE scores (name STRING, score INT) USING csv OPTIONS (header 'true', sep ';', nullValue 'n/a') COMMENT 'exam results';
INSERT INTO scores VALUES ('a;b', 1), ('say "hi"', NULL), (NULL, 3), ('n/a', 4);
SELECT * FROM scores ORDER BY score NULLS FIRST;
SHOW CREATE TABLE scores;
DESCRIBE EXTENDED scores;

-- Table names are case-insensitive and kept lower-case.
CREATE TABLE MixedCase (a INT) USING json;
INSERT INTO mixedcase VALUES (1);
SELECT * FROM MIXEDCASE;
SHOW TABLES;
DROP TABLE MixedCase;
CREATE TEMPORARY VIEW tv AS SELECT 1 AS one;
SHOW TABLES;

-- Errors.
CREATE TABLE people (x INT);
CREATE TABLE IF NOT EXISTS people (x INT);
CREATE TABLE bad (a INT) USING orc;
CREATE TABLE bad2 (a INT, a STRING);
CREATE TABLE bad3 USING parquet;
CREATE TABLE bad4 (a INT) USING parquet AS SELECT 1;
INSERT INTO missing_table VALUES (1);
INSERT INTO tv VALUES (1);
INSERT INTO people PARTITION (p = 1) VALUES (1, 'x', 1.0);
SHOW CREATE TABLE tv;
DROP TABLE missing_table;
DROP TABLE IF EXISTS missing_table;

DROP TABLE tv;
DROP TABLE people;
DROP TABLE typed;
DROP TABLE scores;
SHOW TABLES;
SELECT * FROM people;
