-- to_number, try_to_number, to_char, to_varchar with Spark's number formats
SELECT to_number('454', '999'), to_number('454.00', '000.00'), to_number('12,454', '99,999'), to_number('$78.12', '$99.99'), to_number('12,454.8-', '99,999.9S');
SELECT to_number('-12', 'S99'), to_number('<12>', '99PR'), to_number('12-', '99MI'), try_to_number('abc', '999'), typeof(to_number('454', '999')), typeof(to_number('454.00', '000.00'));
SELECT to_number('1,2', '9,9'), to_number(' 12', '999'), to_number('12', '9,999'), to_number('.5', '9.9'), to_number('5.', '9.9'), to_number(NULL, '99'), to_number('12', NULL);
SELECT to_number('abc', '999');
SELECT to_number('1234', '99');
SELECT to_number('12', '$99');
SELECT to_number('1,234', '9999');
SELECT to_number('12', 'S99S');
SELECT to_number('12', '99.9.9');
SELECT to_char(5, 's');
SELECT to_char(454, '999'), to_char(454.00, '000D00'), to_char(12454, '99G999'), to_char(78.12, '$99.99'), to_char(-12454.8, '99G999D9S'), to_varchar(12, '999');
SELECT to_char(12345, '99'), to_char(-5, '9PR'), to_char(5, 'MI9'), to_char(0.5, '9.9'), to_char(5, '9PR'), to_char(1.5, '9.99'), to_char(5, '999,999'), to_char(5, '000,000');
SELECT to_char(5, 'S9'), to_char(-5, 'S9'), to_char(1.25, '9.9'), to_char(-1.25, '9.9'), to_char(0, '999'), to_char(12, '$999'), to_char(5, '9.'), to_char(-5, '9MI');
SELECT to_char(DATE'2016-04-08', 'yyyy-MM-dd'), to_char(X'537061726b2053514c', 'base64'), to_char(X'537061726b2053514c', 'hex'), to_varchar(TIMESTAMP'2020-01-01 10:00:00', 'HH:mm');
SELECT s, to_number(s, '999.99'), try_to_number(s, '99') FROM VALUES ('1.5'), ('123'), ('x'), (NULL) AS t(s) WHERE s IS NULL OR s <> 'x' ORDER BY s;
SELECT s, try_to_number(s, '99') FROM VALUES ('1'), ('123'), ('x'), (NULL) AS t(s) ORDER BY s;
SELECT to_char(encode('abc', 'utf-8'), 'utf-8'), to_varchar(x'537061726b2053514c', 'base64'), to_varchar(x'537061726b2053514c', 'hex'), to_varchar(encode('abc', 'utf-8'), 'utf-8');
