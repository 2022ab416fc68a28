-- Partitioned tables: partition columns go last, Hive directories, static and
-- dynamic partition inserts, INSERT OVERWRITE of one partition or the whole table.
DROP TABLE IF EXISTS sales;
DROP TABLE IF EXISTS events;

CREATE TABLE sales (region STRING, amount INT, year INT) USING parquet PARTITIONED BY (year, region);
DESCRIBE sales;
INSERT INTO sales PARTITION (year = 2023, region = 'north') VALUES (10), (11);
INSERT INTO sales PARTITION (year = 2024, region) VALUES (20, 'south'), (21, 'north'), (22, NULL), (23, '');
INSERT INTO sales PARTITION (year, region) SELECT 30, 2025, 'a/b=c';
INSERT INTO sales SELECT 40, NULL, 'east';
SELECT * FROM sales ORDER BY amount;
SELECT year, region, sum(amount) FROM sales GROUP BY year, region ORDER BY year NULLS FIRST, region NULLS FIRST;
SELECT count(*) FROM sales WHERE region IS NULL;
SELECT DISTINCT year FROM sales ORDER BY year;

-- Overwrite one static partition: the others stay.
INSERT OVERWRITE sales PARTITION (year = 2024, region = 'north') VALUES (99);
SELECT * FROM sales WHERE year = 2024 ORDER BY amount;
-- Overwrite a year: all its regions are replaced.
INSERT OVERWRITE sales PARTITION (year = 2024, region) VALUES (1, 'west');
SELECT year, region, amount FROM sales ORDER BY amount;
-- Dynamic overwrite without static values replaces the table (static overwrite mode).
INSERT OVERWRITE sales PARTITION (year, region) SELECT 5, 2020, 'x';
SELECT * FROM sales;
-- With partitionOverwriteMode=dynamic only the partitions written to are replaced.
INSERT INTO sales PARTITION (year = 2021, region) VALUES (6, 'y'), (7, 'z');
SET spark.sql.sources.partitionOverwriteMode=dynamic;
INSERT OVERWRITE sales PARTITION (year, region) VALUES (8, 2021, 'y');
SELECT * FROM sales ORDER BY amount;
SET spark.sql.sources.partitionOverwriteMode=static;
SHOW CREATE TABLE sales;
DESCRIBE EXTENDED sales;

-- CTAS with PARTITIONED BY.
CREATE TABLE events USING json PARTITIONED BY (kind) AS SELECT id, CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END AS kind, id * 1.5 AS weight FROM range(6);
DESCRIBE events;
SELECT * FROM events ORDER BY id;
SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind;
INSERT INTO events SELECT 100, 2.5, 'odd';
SELECT kind, max(id) FROM events GROUP BY kind ORDER BY kind;

-- Errors.
CREATE TABLE p_bad (a INT) PARTITIONED BY (a);
CREATE TABLE p_bad2 (a INT, b INT) PARTITIONED BY (c);
INSERT INTO sales PARTITION (month = 1) VALUES (1, 'x');
INSERT INTO sales PARTITION (year = 2024, region = 'x') VALUES (1, 2);
INSERT INTO sales PARTITION (year = 'not a year', region = 'x') VALUES (1);
SELECT count(*) FROM sales;

DROP TABLE sales;
DROP TABLE events;
SHOW TABLES;
