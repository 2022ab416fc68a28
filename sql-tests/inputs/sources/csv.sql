-- CSV files: header, schema inference, explicit schema, path tables.
CREATE OR REPLACE TEMPORARY VIEW people USING csv OPTIONS (path 'data/people.csv', header 'true', inferSchema 'true');
DESCRIBE people;
SELECT * FROM people ORDER BY id;
SELECT city, count(*) AS n, avg(age) AS avg_age FROM people GROUP BY city ORDER BY n DESC, city;
SELECT name FROM people WHERE age IS NULL OR salary IS NULL ORDER BY name;
SELECT sum(salary), max(age) FROM people;
CREATE OR REPLACE TEMPORARY VIEW people_str USING csv OPTIONS (path 'data/people.csv', header 'true');
DESCRIBE people_str;
SELECT name, age FROM people_str WHERE city = 'Faro';
CREATE OR REPLACE TEMPORARY VIEW raw USING csv OPTIONS (path 'data/people.csv');
SELECT _c0, _c1 FROM raw WHERE _c0 = 'id';
SELECT count(*) FROM csv.`data/people.csv`;
CREATE OR REPLACE TEMPORARY VIEW typed (id INT, name STRING, age INT, city STRING, salary DOUBLE) USING csv OPTIONS (path 'data/people.csv', header 'true');
SELECT name, salary FROM typed WHERE id = 1;
CREATE OR REPLACE TEMPORARY VIEW missing USING csv OPTIONS (path 'data/no_such_file.csv');
CREATE OR REPLACE TEMPORARY VIEW nopath USING csv OPTIONS (header 'true');
SELECT * FROM csv.`data/nothing_here/*.csv`;
