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
-- the files hold the partition column too: it keeps its place in the file schema
DESCRIBE pp;
SELECT * FROM pp ORDER BY id, region LIMIT 4;
-- files beside partition directories are not read (inference still reads them)
CREATE OR REPLACE TEMPORARY VIEW conflict USING csv OPTIONS (path 'sql-tests/data/reader/conflict', header 'true');
DESCRIBE conflict;
SELECT * FROM conflict;
-- without partition directories only the files directly in the path are read
CREATE OR REPLACE TEMPORARY VIEW nested_typed (x STRING) USING csv OPTIONS (path 'sql-tests/data/reader/nested');
SELECT * FROM nested_typed;
-- a partition directory beside a plain one
CREATE OR REPLACE TEMPORARY VIEW mixed USING csv OPTIONS (path 'sql-tests/data/reader/mixed_dirs', header 'true');
SELECT * FROM csv.`sql-tests/data/reader/mixed_dirs`;
-- a CSV column named as the partition column keeps its place and takes the directory's value
CREATE OR REPLACE TEMPORARY VIEW po USING csv OPTIONS (path 'sql-tests/data/reader/part_overlap', header 'true', inferSchema 'true');
DESCRIBE po;
SELECT * FROM po ORDER BY a;
SELECT a, b FROM po WHERE k = 8;
CREATE OR REPLACE TEMPORARY VIEW po_typed (a INT, k STRING, b INT) USING csv OPTIONS (path 'sql-tests/data/reader/part_overlap', header 'true');
SELECT * FROM po_typed ORDER BY a;
-- EXPLAIN shows how many files the filter left
EXPLAIN SELECT id FROM pc WHERE year = 2024 AND month = 2;
