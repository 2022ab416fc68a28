-- overlay, in its SQL form and as a call, on strings and binary
SELECT overlay('Spark SQL' PLACING '_' FROM 6), overlay('Spark SQL' PLACING 'CORE' FROM 7), overlay('Spark SQL' PLACING 'ANSI ' FROM 7 FOR 0), overlay('Spark SQL' PLACING 'tructured' FROM 2 FOR 4);
SELECT overlay(encode('Spark SQL', 'utf-8') PLACING encode('_', 'utf-8') FROM 6), overlay('abc', 'X', 2), overlay('abc', 'X', 2, 5), overlay('abc', 'X', -1), overlay('abc', NULL, 1);
SELECT overlay('héllo', 'ö', 2, 1), overlay('abc', 'XY', 10), overlay('abc', '', 2, 1), overlay(NULL, 'a', 1);
SELECT s, overlay(s PLACING '*' FROM 2 FOR 1) FROM VALUES ('abcd'), ('x'), (NULL) AS t(s) ORDER BY s;
SELECT overlay('abc', 'X');
