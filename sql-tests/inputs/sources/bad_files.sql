-- Malformed records under the default PERMISSIVE mode (bad fields NULL, short rows padded, bad JSON lines in _corrupt_record); empty files and bad options are clear errors.
CREATE OR REPLACE TEMPORARY VIEW bad (id INT, amount DOUBLE, day DATE) USING csv OPTIONS (path 'sql-tests/data/bad_number.csv', header 'true');
SELECT * FROM bad;
SELECT id FROM bad WHERE id = 1;
CREATE OR REPLACE TEMPORARY VIEW inferred USING csv OPTIONS (path 'sql-tests/data/bad_number.csv', header 'true', inferSchema 'true');
DESCRIBE inferred;
SELECT * FROM inferred ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW ragged USING csv OPTIONS (path 'sql-tests/data/wrong_columns.csv', header 'true');
SELECT * FROM ragged;
SELECT * FROM json.`sql-tests/data/bad.json`;
SELECT count(*) FROM csv.`sql-tests/data/empty.csv`;
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/bad_number.csv', header 'maybe');
CREATE OR REPLACE TEMPORARY VIEW v USING xml OPTIONS (path 'sql-tests/data/bad_number.csv');
CREATE OR REPLACE TEMPORARY VIEW v USING parquet OPTIONS (path 'sql-tests/data/bad_number.csv');
CREATE OR REPLACE TEMPORARY VIEW v2 (a INT) USING parquet OPTIONS (path 'sql-tests/data/bad_number.csv');
SELECT * FROM v2;
SELECT * FROM parquet.`sql-tests/data/bad_number.csv`;
CREATE OR REPLACE TEMPORARY VIEW semi USING csv OPTIONS (path 'sql-tests/data/bad_number.csv', header 'true', sep ';');
SELECT * FROM semi;
