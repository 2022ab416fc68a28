-- Hive-style partitioned directories: columns discovered, typed, and pruned.
CREATE OR REPLACE TEMPORARY VIEW pc USING csv OPTIONS (path 'sql-tests/data/reader/part_csv', header 'true', inferSchema 'true');
DESCRIBE pc;
SELECT * FROM pc ORDER BY id;
SELECT year, month, sum(amount) FROM pc GROUP BY year, month ORDER BY year, month;
SELECT id FROM pc WHERE year = 2024 ORDER BY id;
SELECT id FROM pc WHERE year IS NULL;
SELECT id FROM pc WHERE year = 2024 AND amount > 35 ORDER BY id;
SELECT DISTINCT year FROM pc ORDER BY year;
SELECT count(*) FROM pc WHERE month = 1;
SELECT count(*) FROM pc WHERE year = 1999;
-- type inference off: partition columns are strings
SET spark.sql.sources.partitionColumnTypeInference.enabled = false;
CREATE OR REPLACE TEMPORARY VIEW pc_str USING csv OPTIONS (path 'sql-tests/data/reader/part_csv', header 'true');
DESCRIBE pc_str;
SELECT year, count(*) FROM pc_str GROUP BY year ORDER BY year;
SET spark.sql.sources.partitionColumnTypeInference.enabled = true;
-- a user schema gives the partition column's type
CREATE OR REPLACE TEMPORARY VIEW pc_typed (id INT, amount INT, year STRING, month BIGINT) USING csv OPTIONS (path 'sql-tests/data/reader/part_csv', header 'true');
DESCRIBE pc_typed;
SELECT year, month, count(*) FROM pc_typed GROUP BY year, month ORDER BY year, month;
SELECT concat(year, '-', month + 1) FROM pc_typed WHERE id = 3;
-- reading one partition directory: its columns are not partition columns
CREATE OR REPLACE TEMPORARY VIEW one_part USING csv OPTIONS (path 'sql-tests/data/reader/part_csv/year=2024', header 'true', inferSchema 'true');
SELECT * FROM one_part ORDER BY id;
-- basePath keeps the columns above the path read
CREATE OR REPLACE TEMPORARY VIEW base_part USING csv OPTIONS (path 'sql-tests/data/reader/part_csv/year=2024', basePath 'sql-tests/data/reader/part_csv', header 'true', inferSchema 'true');
SELECT * FROM base_part ORDER BY id;
-- recursiveFileLookup turns partition discovery off
CREATE OR REPLACE TEMPORARY VIEW pc_flat USING csv OPTIONS (path 'sql-tests/data/reader/part_csv', header 'true', recursiveFileLookup 'true');
DESCRIBE pc_flat;
-- JSON: date partitions and escaped values
CREATE OR REPLACE TEMPORARY VIEW pj USING json OPTIONS (path 'sql-tests/data/reader/part_json');
DESCRIBE pj;
SELECT * FROM pj ORDER BY v;
SELECT v FROM pj WHERE day = DATE'2024-05-02';
-- Parquet
CREATE OR REPLACE TEMPORARY VIEW pp USING parquet OPTIONS (path 'sql-tests/data/reader/part_parquet');
SELECT region, count(*) FROM pp GROUP BY region ORDER BY region;
SELECT count(*) FROM pp WHERE region = 'west';
-- files at two levels conflict
CREATE OR REPLACE TEMPORARY VIEW conflict USING csv OPTIONS (path 'sql-tests/data/reader/conflict', header 'true');
-- EXPLAIN shows how many files the filter left
EXPLAIN SELECT id FROM pc WHERE year = 2024 AND month = 2;
