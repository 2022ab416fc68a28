-- Spark's DataFrameReader options for CSV and JSON, reachable from SQL views.
CREATE OR REPLACE TEMPORARY VIEW people USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', header 'true', inferSchema 'true');
DESCRIBE people;
SELECT * FROM people ORDER BY id;
-- option keys are case-insensitive
CREATE OR REPLACE TEMPORARY VIEW people2 USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', HEADER 'TRUE', InferSchema 'True');
SELECT name, score FROM people2 WHERE score IS NULL;
-- no header: _c0, _c1, ... all strings
CREATE OR REPLACE TEMPORARY VIEW raw USING csv OPTIONS (path 'sql-tests/data/reader/people.csv');
SELECT * FROM raw ORDER BY _c0;
-- explicit schema as DDL
CREATE OR REPLACE TEMPORARY VIEW typed (id BIGINT, name STRING, score DECIMAL(5,2)) USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', header 'true');
DESCRIBE typed;
SELECT id, name, score, score * 2 FROM typed ORDER BY id;
-- sep / delimiter, quote doubling, nullValue and comment lines
CREATE OR REPLACE TEMPORARY VIEW semi USING csv OPTIONS (path 'sql-tests/data/reader/semicolon.csv', header 'true', sep ';', nullValue 'NA', comment '#');
SELECT * FROM semi ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW semi2 USING csv OPTIONS (path 'sql-tests/data/reader/semicolon.csv', header 'true', delimiter ';', comment '#');
SELECT id, note FROM semi2 ORDER BY id;
-- quote turned off: quotes are plain characters
CREATE OR REPLACE TEMPORARY VIEW noquote USING csv OPTIONS (path 'sql-tests/data/reader/semicolon.csv', sep ';', comment '#', quote '');
SELECT _c1 FROM noquote ORDER BY _c0;
-- escape: a backslash-escaped quote inside quotes
CREATE OR REPLACE TEMPORARY VIEW esc USING csv OPTIONS (path 'sql-tests/data/reader/quoted_newlines.csv', header 'true', escape '"');
SELECT id, text FROM esc ORDER BY id;
-- multiLine: quoted fields hold newlines
CREATE OR REPLACE TEMPORARY VIEW ml USING csv OPTIONS (path 'sql-tests/data/reader/quoted_newlines.csv', header 'true', multiLine 'true', inferSchema 'true');
SELECT id, text, length(text) FROM ml ORDER BY id;
SELECT count(*) FROM ml;
-- dateFormat / timestampFormat with Spark pattern letters
CREATE OR REPLACE TEMPORARY VIEW dates (id INT, day DATE, at TIMESTAMP) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm');
SELECT * FROM dates ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW dates_inferred USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', inferSchema 'true', dateFormat 'dd/MM/yyyy');
DESCRIBE dates_inferred;
-- nanValue, positiveInf, negativeInf
CREATE OR REPLACE TEMPORARY VIEW floats (x DOUBLE) USING csv OPTIONS (path 'sql-tests/data/reader/special_floats.csv', header 'true', nanValue 'n/a');
SELECT x FROM floats;
CREATE OR REPLACE TEMPORARY VIEW floats_inferred USING csv OPTIONS (path 'sql-tests/data/reader/special_floats.csv', header 'true', inferSchema 'true', nanValue 'n/a');
DESCRIBE floats_inferred;
-- white space handling
CREATE OR REPLACE TEMPORARY VIEW ws USING csv OPTIONS (path 'sql-tests/data/reader/whitespace.csv', header 'true');
SELECT concat('[', `name `, ']'), concat('[', ` city`, ']') FROM ws ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW ws_trim USING csv OPTIONS (path 'sql-tests/data/reader/whitespace.csv', header 'true', ignoreLeadingWhiteSpace 'true', ignoreTrailingWhiteSpace 'true');
DESCRIBE ws_trim;
SELECT concat('[', name, ']'), concat('[', city, ']') FROM ws_trim ORDER BY id;
-- encoding: ISO-8859-1
CREATE OR REPLACE TEMPORARY VIEW latin USING csv OPTIONS (path 'sql-tests/data/reader/latin1.csv', header 'true', encoding 'ISO-8859-1');
SELECT id, name, length(name) FROM latin ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW latin_json USING json OPTIONS (path 'sql-tests/data/reader/latin1.json', charset 'latin1');
SELECT * FROM latin_json;
-- samplingRatio
CREATE OR REPLACE TEMPORARY VIEW sampled USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', header 'true', inferSchema 'true', samplingRatio '0.5');
SELECT count(*) FROM sampled;
-- compressed inputs, by extension
SELECT * FROM csv.`sql-tests/data/reader/people.csv.gz` ORDER BY _c0;
CREATE OR REPLACE TEMPORARY VIEW zst USING csv OPTIONS (path 'sql-tests/data/reader/people_zst.csv.zst', header 'true', inferSchema 'true');
SELECT * FROM zst ORDER BY id;
-- JSON multiLine: a whole-file array, and objects spread over lines
CREATE OR REPLACE TEMPORARY VIEW arr USING json OPTIONS (path 'sql-tests/data/reader/array.json', multiLine 'true');
SELECT id, tags, size(tags) FROM arr ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW objs USING json OPTIONS (path 'sql-tests/data/reader/objects.json', multiLine 'true');
SELECT * FROM objs ORDER BY id;
-- recursiveFileLookup and pathGlobFilter
SELECT * FROM csv.`sql-tests/data/reader/nested` ORDER BY _c0;
CREATE OR REPLACE TEMPORARY VIEW only_csv USING csv OPTIONS (path 'sql-tests/data/reader/nested', header 'true', pathGlobFilter '*.csv', recursiveFileLookup 'true');
SELECT * FROM only_csv ORDER BY x;
-- empty file, empty directory, missing path
SELECT count(*) FROM csv.`sql-tests/data/reader/empty.csv`;
CREATE OR REPLACE TEMPORARY VIEW empty_dir (a INT) USING csv OPTIONS (path 'sql-tests/data/reader/empty_dir');
SELECT count(*), max(a) FROM empty_dir;
CREATE OR REPLACE TEMPORARY VIEW empty_dir2 USING csv OPTIONS (path 'sql-tests/data/reader/empty_dir');
CREATE OR REPLACE TEMPORARY VIEW missing USING csv OPTIONS (path 'sql-tests/data/reader/no_such_file.csv');
SELECT * FROM json.`sql-tests/data/reader/no_such_dir/*.json`;
-- invalid option values
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', sep '');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', sep '::');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', mode 'FAILFST');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', mode 'lenient');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', encoding 'UTF-16');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', samplingRatio '0');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', multiLine 'yes');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', dateFormat 'yyyy-MM-dd''T');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', pathGlobFilter '[');
-- JSON dateFormat / timestampFormat: a value the pattern does not read is a malformed record
CREATE OR REPLACE TEMPORARY VIEW jdates (id BIGINT, day DATE, at TIMESTAMP, _corrupt_record STRING) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm');
SELECT * FROM jdates ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW jdates_drop (id BIGINT, day DATE, at TIMESTAMP) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm', mode 'DROPMALFORMED');
SELECT * FROM jdates_drop ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW jdates_fail (id BIGINT, day DATE) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', dateFormat 'dd/MM/yyyy', mode 'FAILFAST');
SELECT * FROM jdates_fail;
