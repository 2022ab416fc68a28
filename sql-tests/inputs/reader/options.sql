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
-- JSON lines in another charset than UTF-8 need lineSep
CREATE OR REPLACE TEMPORARY VIEW latin_json2 USING json OPTIONS (path 'sql-tests/data/reader/latin1.json', charset 'ISO-8859-1');
CREATE OR REPLACE TEMPORARY VIEW latin_json3 USING json OPTIONS (path 'sql-tests/data/reader/latin1.json', charset 'ISO-8859-1', lineSep '\n');
SELECT * FROM latin_json3;
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
-- a mode Spark does not know reads as PERMISSIVE
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', mode 'FAILFST');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', mode 'lenient');
SELECT count(*) FROM v;
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', encoding 'UTF-16');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', samplingRatio '0');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', multiLine 'yes');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', dateFormat 'yyyy-MM-dd''T');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', pathGlobFilter '[');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', sep '\\x');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', quote 'ab');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', comment '##');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', inferSchema 'maybe');
CREATE OR REPLACE TEMPORARY VIEW v USING csv OPTIONS (path 'sql-tests/data/reader/people.csv', encoding 'UTF8');
CREATE OR REPLACE TEMPORARY VIEW v USING json OPTIONS (path 'sql-tests/data/reader/latin1.json', encoding 'UTF-16');
-- JSON dateFormat / timestampFormat: a value the pattern does not read is a malformed record
CREATE OR REPLACE TEMPORARY VIEW jdates (id BIGINT, day DATE, at TIMESTAMP, _corrupt_record STRING) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm');
SELECT * FROM jdates ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW jdates_drop (id BIGINT, day DATE, at TIMESTAMP) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm', mode 'DROPMALFORMED');
SELECT * FROM jdates_drop ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW jdates_fail (id BIGINT, day DATE) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', dateFormat 'dd/MM/yyyy', mode 'FAILFAST');
SELECT * FROM jdates_fail;
-- a delimiter of several characters
CREATE OR REPLACE TEMPORARY VIEW msep USING csv OPTIONS (path 'sql-tests/data/reader/multi_sep.csv', sep '::', header 'true');
SELECT * FROM msep ORDER BY x;
-- quotes as Spark's parser reads them: only a leading quote quotes a field, and a quote inside quotes that is not escaped reads the value as written, up to the delimiter
CREATE OR REPLACE TEMPORARY VIEW q USING csv OPTIONS (path 'sql-tests/data/reader/quotes.csv', header 'true');
SELECT id, a, length(a), b FROM q ORDER BY CAST(id AS INT);
CREATE OR REPLACE TEMPORARY VIEW q2 USING csv OPTIONS (path 'sql-tests/data/reader/quotes.csv', header 'true', escape '"');
SELECT id, a, b FROM q2 ORDER BY CAST(id AS INT);
CREATE OR REPLACE TEMPORARY VIEW q3 USING csv OPTIONS (path 'sql-tests/data/reader/quotes.csv', header 'true', multiLine 'true');
SELECT id, a, b FROM q3 ORDER BY CAST(id AS INT);
-- NULLs: an empty unquoted field is NULL, an empty quoted one is emptyValue, a nullValue is NULL even quoted
CREATE OR REPLACE TEMPORARY VIEW qe USING csv OPTIONS (path 'sql-tests/data/reader/quoted_empty.csv', header 'true', nullValue 'NA');
SELECT a, a IS NULL, b, b IS NULL, c, c IS NULL FROM qe;
CREATE OR REPLACE TEMPORARY VIEW qe2 USING csv OPTIONS (path 'sql-tests/data/reader/quoted_empty.csv', header 'true', emptyValue 'EMPTY', ignoreLeadingWhiteSpace 'true', ignoreTrailingWhiteSpace 'true');
SELECT concat('[', a, ']'), concat('[', b, ']'), c FROM qe2;
-- UTF-16 with a byte-order mark
CREATE OR REPLACE TEMPORARY VIEW u16 USING csv OPTIONS (path 'sql-tests/data/reader/utf16.csv', header 'true', encoding 'UTF-16', multiLine 'true');
SELECT * FROM u16 ORDER BY id;
-- a pattern Spark cannot compile: each value it parses is malformed, and timestamp inference fails
CREATE OR REPLACE TEMPORARY VIEW badfmt (id INT, day DATE, _corrupt_record STRING) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', dateFormat 'yyyy-MM-dd''T');
SELECT * FROM badfmt ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW badfmt_fail (id INT, day DATE, at STRING) USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', dateFormat 'yyyy-MM-dd''T', mode 'FAILFAST');
SELECT * FROM badfmt_fail;
SELECT id FROM badfmt_fail ORDER BY id;
CREATE OR REPLACE TEMPORARY VIEW badfmt2 USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', inferSchema 'true', dateFormat 'yyyy-MM-dd''T');
DESCRIBE badfmt2;
CREATE OR REPLACE TEMPORARY VIEW badfmt3 USING csv OPTIONS (path 'sql-tests/data/reader/formatted_dates.csv', header 'true', inferSchema 'true', timestampFormat 'yyyy-MM-dd''T');
CREATE OR REPLACE TEMPORARY VIEW badfmt4 USING json OPTIONS (path 'sql-tests/data/reader/dates.json', timestampFormat 'yyyy-MM-dd''T');
CREATE OR REPLACE TEMPORARY VIEW badfmt5 (id BIGINT, at TIMESTAMP) USING json OPTIONS (path 'sql-tests/data/reader/dates.json', timestampFormat 'yyyy-MM-dd''T');
SELECT * FROM badfmt5 ORDER BY id;
-- JSON: with multiLine the first value of a file is read; without it, a line holding an array gives a row per element
CREATE OR REPLACE TEMPORARY VIEW arrs USING json OPTIONS (path 'sql-tests/data/reader/two_arrays.json', multiLine 'true');
SELECT * FROM arrs ORDER BY id;
SELECT * FROM json.`sql-tests/data/reader/two_arrays.json` ORDER BY id;
-- a file of blank lines has no columns
SELECT * FROM json.`sql-tests/data/reader/blank.json`;
CREATE OR REPLACE TEMPORARY VIEW blank (a INT) USING json OPTIONS (path 'sql-tests/data/reader/blank.json');
SELECT count(*), max(a) FROM blank;
