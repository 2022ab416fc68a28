-- String functions and LIKE.
SELECT upper('ember'), lower('EMBER'), length('ember'), length(''), length(NULL);
SELECT substring('Spark SQL', 1, 5), substring('Spark SQL', 7), substr('Spark SQL', -3), substring('abc', 0, 2);
SELECT concat('a', 'b', 'c'), concat('a', NULL), 'x' || 'y', concat('n=', 1);
SELECT trim('  padded  '), ltrim('  left'), rtrim('right  ');
SELECT split('a,b,c', ','), split('one two', ' ');
SELECT 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'abc' LIKE 'b%', 'a%c' LIKE 'a\\%c', 'ABC' ILIKE 'a%';
SELECT 'abc' NOT LIKE 'a%';
CREATE OR REPLACE TEMPORARY VIEW s AS SELECT * FROM VALUES ('apple'), ('Banana'), ('cherry'), (NULL) AS s(fruit);
SELECT fruit, upper(fruit), length(fruit) FROM s;
SELECT fruit FROM s WHERE fruit LIKE '%an%';
SELECT fruit FROM s WHERE lower(fruit) LIKE 'b%';
SELECT concat_ws('-', 'a', NULL, 'b');
SELECT upper(1);
