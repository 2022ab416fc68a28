-- to_csv, from_csv, schema_of_csv
SELECT to_csv(named_struct('a', 1, 'b', 'x,y', 'c', 'q"r', 'e', '')), to_csv(named_struct('a', NULL, 'b', 2.5D, 'c', 1.0E10D, 'f', CAST(1.5 AS FLOAT))), to_csv(named_struct('d', DATE'2020-01-02', 't', TIMESTAMP'2020-01-02 03:04:05.6', 'b', true, 'dec', 1.50));
SELECT to_csv(named_struct('a', 1, 'b', 2), map('sep', ';')), to_csv(CAST(NULL AS STRUCT<a: INT>));
SELECT to_csv(1);
SELECT to_csv(s) FROM VALUES (named_struct('k', 1, 'v', 'a')), (named_struct('k', 2, 'v', NULL)) AS t(s);
SELECT from_csv('1,abc', 'a INT, b STRING'), from_csv('x,2', 'a INT, b INT'), from_csv(NULL, 'a INT'), from_csv('1', 'a INT, b INT'), from_csv('1,2,3', 'a INT'), from_csv('"a,b",2', 's STRING, n INT'), from_csv(',', 'a STRING, b INT');
SELECT from_csv('2020-01-02,1.5,true', 'd DATE, x DOUBLE, b BOOLEAN'), from_csv('1;2', 'a INT, b INT', map('sep', ';'));
SELECT from_csv(a, 'x INT, y STRING') FROM VALUES ('5,p'), ('6'), (NULL) AS t(a);
SELECT from_csv('1', 'INT');
SELECT schema_of_csv('1,abc,2.5,true'), schema_of_csv('2020-01-01'), schema_of_csv('12345678901,,2020-01-01 10:00:00'), schema_of_csv('a;1', map('sep', ';'));
SELECT schema_of_csv(a) FROM VALUES ('1') AS t(a);
