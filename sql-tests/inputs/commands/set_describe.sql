-- SET, SHOW TABLES, DESCRIBE.
SET spark.sql.shuffle.partitions=3;
SET spark.sql.shuffle.partitions;
SET spark.custom.unknown.key=hello;
SET spark.custom.unknown.key;
SET spark.sql.shuffle.partitions=zero;
SET spark.sql.ansi.enabled;
SHOW TABLES;
CREATE OR REPLACE TEMPORARY VIEW t AS SELECT 1 AS a, 'x' AS b, CAST(1.5 AS DECIMAL(10, 2)) AS c, DATE '2024-01-01' AS d, array(1, 2) AS e;
SHOW TABLES;
DESCRIBE t;
DESCRIBE TABLE t;
DESCRIBE QUERY SELECT a + 1 AS z, b FROM t;
DESCRIBE nope;
SELECT * FROM t;
