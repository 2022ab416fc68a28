-- Malformed CSV and JSON records under Spark's parse modes.
-- PERMISSIVE (the default): bad fields become NULL, the rest of the row is kept
CREATE OR REPLACE TEMPORARY VIEW bad (id INT, amount DOUBLE, day DATE) USING csv OPTIONS (path 'sql-tests/data/reader/bad_values.csv', header 'true');
SELECT * FROM bad ORDER BY amount;
SELECT count(*) FROM bad;
-- the raw line goes to _corrupt_record when the schema has it
CREATE OR REPLACE TEMPORARY VIEW bad_c (id INT, amount DOUBLE, day DATE, _corrupt_record STRING) USING csv OPTIONS (path 'sql-tests/data/reader/bad_values.csv', header 'true');
SELECT * FROM bad_c ORDER BY amount;
SELECT _corrupt_record FROM bad_c WHERE _corrupt_record IS NOT NULL ORDER BY 1;
-- only the columns a query reads are parsed: a record is malformed when one of them does not parse
SELECT id, _corrupt_record FROM bad_c ORDER BY id;
SELECT day, _corrupt_record FROM bad_c ORDER BY day;
SELECT _corrupt_record FROM bad_c WHERE id > 0;
SELECT count(_corrupt_record) FROM bad_c;
-- columnNameOfCorruptRecord names another column
CREATE OR REPLACE TEMPORARY VIEW bad_named (id INT, amount DOUBLE, day DATE, raw STRING) USING csv OPTIONS (path 'sql-tests/data/reader/bad_values.csv', header 'true', columnNameOfCorruptRecord 'raw');
SELECT id, raw FROM bad_named ORDER BY id;
-- a corrupt-record column that is not a string
CREATE OR REPLACE TEMPORARY VIEW bad_typed (id INT, _corrupt_record INT) USING csv OPTIONS (path 'sql-tests/data/reader/bad_values.csv', header 'true');
SELECT * FROM bad_typed;
SELECT id FROM bad_typed;
-- DROPMALFORMED
CREATE OR REPLACE TEMPORARY VIEW bad_drop (id INT, amount DOUBLE, day DATE) USING csv OPTIONS (path 'sql-tests/data/reader/bad_values.csv', header 'true', mode 'DROPMALFORMED');
SELECT * FROM bad_drop ORDER BY id;
-- count(*) parses no column, so no record is malformed
SELECT count(*) FROM bad_drop;
-- FAILFAST names the file, line and column
CREATE OR REPLACE TEMPORARY VIEW bad_fail (id INT, amount DOUBLE, day DATE) USING csv OPTIONS (path 'sql-tests/data/reader/bad_values.csv', header 'true', mode 'failfast');
SELECT * FROM bad_fail;
SELECT count(*) FROM bad_fail;
-- only the columns a query needs are parsed (as Spark's CSV column pruning)
SELECT day FROM bad_fail WHERE day IS NOT NULL ORDER BY day;
-- wrong column counts: PERMISSIVE pads missing fields with NULL and drops extra ones
CREATE OR REPLACE TEMPORARY VIEW ragged USING csv OPTIONS (path 'sql-tests/data/reader/wrong_columns.csv', header 'true', inferSchema 'true');
DESCRIBE ragged;
SELECT * FROM ragged ORDER BY a;
CREATE OR REPLACE TEMPORARY VIEW ragged_c (a INT, b INT, c INT, _corrupt_record STRING) USING csv OPTIONS (path 'sql-tests/data/reader/wrong_columns.csv', header 'true');
SELECT * FROM ragged_c ORDER BY a;
CREATE OR REPLACE TEMPORARY VIEW ragged_drop USING csv OPTIONS (path 'sql-tests/data/reader/wrong_columns.csv', header 'true', mode 'DROPMALFORMED');
SELECT * FROM ragged_drop ORDER BY a;
CREATE OR REPLACE TEMPORARY VIEW ragged_fail USING csv OPTIONS (path 'sql-tests/data/reader/wrong_columns.csv', header 'true', mode 'FAILFAST');
SELECT * FROM ragged_fail;
-- bad dates under a dateFormat
CREATE OR REPLACE TEMPORARY VIEW dates_fail (id INT, day DATE, at STRING) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', dateFormat 'dd/MM/yyyy', mode 'FAILFAST');
SELECT * FROM dates_fail;
CREATE OR REPLACE TEMPORARY VIEW dates_perm (id INT, day DATE, at STRING) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', dateFormat 'dd/MM/yyyy');
SELECT * FROM dates_perm ORDER BY id;
-- a schema with fewer columns than the file: every record is malformed, PERMISSIVE keeps the leading fields
CREATE OR REPLACE TEMPORARY VIEW dates_short (id INT, day STRING) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true');
SELECT * FROM dates_short ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW dates_short_drop (id INT, day STRING) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', mode 'DROPMALFORMED');
SELECT count(*) FROM dates_short_drop;
SELECT * FROM dates_short_drop;
-- bad UTF-8: CSV text is decoded as Spark decodes it (U+FFFD), so no record is malformed
CREATE OR REPLACE TEMPORARY VIEW utf (id INT, name STRING, _corrupt_record STRING) USING csv OPTIONS (path 'sql-tests/data/reader/bad_utf8.csv', header 'true');
SELECT id, name, _corrupt_record IS NOT NULL AS corrupt FROM utf ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW utf_fail USING csv OPTIONS (path 'sql-tests/data/reader/bad_utf8.csv', header 'true', mode 'FAILFAST');
SELECT * FROM utf_fail;
-- the same file read as Latin-1 (Spark knows the name ISO-8859-1, not latin1)
CREATE OR REPLACE TEMPORARY VIEW utf_latin USING csv OPTIONS (path 'sql-tests/data/reader/bad_utf8.csv', header 'true', encoding 'latin1', mode 'FAILFAST');
SELECT * FROM utf_latin ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW utf_iso USING csv OPTIONS (path 'sql-tests/data/reader/bad_utf8.csv', header 'true', encoding 'ISO-8859-1', mode 'FAILFAST');
SELECT * FROM utf_iso ORDER BY id;
-- JSON: inference adds _corrupt_record in PERMISSIVE mode; a string that is not UTF-8 fails its own field only
CREATE OR REPLACE TEMPORARY VIEW bj USING json OPTIONS (path 'sql-tests/data/reader/bad.json');
DESCRIBE bj;
SELECT * FROM bj ORDER BY id;
SELECT count(*) FROM bj;
SELECT _corrupt_record FROM bj;
SELECT count(*) FROM bj WHERE _corrupt_record IS NULL;
CREATE OR REPLACE TEMPORARY VIEW bj_typed (id BIGINT, name STRING) USING json OPTIONS (path 'sql-tests/data/reader/bad.json');
SELECT * FROM bj_typed ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW bj_drop USING json OPTIONS (path 'sql-tests/data/reader/bad.json', mode 'DROPMALFORMED');
DESCRIBE bj_drop;
SELECT * FROM bj_drop ORDER BY id;
SELECT count(*) FROM bj_drop;
CREATE OR REPLACE TEMPORARY VIEW bj_fail USING json OPTIONS (path 'sql-tests/data/reader/bad.json', mode 'FAILFAST');
CREATE OR REPLACE TEMPORARY VIEW bj_fail2 (id BIGINT, name STRING) USING json OPTIONS (path 'sql-tests/data/reader/bad.json', mode 'FAILFAST');
SELECT * FROM bj_fail2;
CREATE OR REPLACE TEMPORARY VIEW bj_utf (id BIGINT, name STRING, _corrupt_record STRING) USING json OPTIONS (path 'sql-tests/data/reader/bad_utf8.json');
SELECT id, name, _corrupt_record IS NOT NULL FROM bj_utf ORDER BY id;
