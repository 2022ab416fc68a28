-- CREATE TABLE AS SELECT, LOCATION (external tables), and tables over existing files.
-- The harness runs each script in a fresh warehouse; a relative LOCATION is under it.
DROP TABLE IF EXISTS t1;
DROP TABLE IF EXISTS ext;
DROP TABLE IF EXISTS ext_again;
DROP TABLE IF EXISTS empty_ctas;

CREATE TABLE t1 USING parquet AS SELECT id, CAST(id AS DECIMAL(10,2)) / 4 AS quarter, array(id, id + 1) AS pair, named_struct('a', id, 'b', CAST(id AS STRING)) AS st FROM range(4);
DESCRIBE t1;
SELECT * FROM t1 ORDER BY id;
CREATE TABLE IF NOT EXISTS t1 USING parquet AS SELECT 1 AS other;
SELECT count(*) FROM t1;
CREATE TABLE t1 AS SELECT 1;

CREATE TABLE ext USING json LOCATION 'ext_files' AS SELECT 'x' AS s, 1 AS n UNION ALL SELECT NULL, 2;
SELECT * FROM ext ORDER BY n;
DESCRIBE EXTENDED ext;
SHOW CREATE TABLE ext;
-- Dropping an external table keeps its files: a new table over them sees the rows.
DROP TABLE ext;
CREATE TABLE ext_again (s STRING, n INT) USING json LOCATION 'ext_files';
SELECT * FROM ext_again ORDER BY n;
-- A CTAS into a non-empty location fails.
CREATE TABLE ext USING json LOCATION 'ext_files' AS SELECT 1 AS n;
INSERT OVERWRITE ext_again SELECT 'y', 3;
SELECT * FROM ext_again;

CREATE TABLE empty_ctas USING csv AS SELECT id FROM range(10) WHERE id < 0;
SELECT * FROM empty_ctas;
DESCRIBE empty_ctas;

SHOW TABLES;
DROP TABLE t1;
DROP TABLE ext_again;
DROP TABLE empty_ctas;
SHOW TABLES;
