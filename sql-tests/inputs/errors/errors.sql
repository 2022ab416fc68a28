-- Errors: classes, SQLSTATEs, positions and suggestions.
CREATE OR REPLACE TEMPORARY VIEW people AS SELECT * FROM VALUES (1, 'ann', 30) AS people(id, name, age);
SELECT nmae FROM people;
SELECT * FROM peple;
SELECT id FROM people WHERE agee > 1;
SELECT uper(name) FROM people;
SELECT * FORM people;
SELECT id, FROM people;
SELECT id FROM people WHERE;
SELECT id + 'x' FROM people;
SELECT name + 1 FROM people;
SELECT true + 1;
SELECT id FROM people WHERE name;
SELECT p.id FROM people q;
SELECT id FROM people a JOIN people b ON a.id = b.id;
SELECT substring(name) FROM people;
SELECT 1 / 0 FROM people;
SELECT CAST(name AS INT) FROM people;
SELECT
  id,
  missing_column
FROM people;
INSERT INTO people VALUES (2, 'bob', 40);
SELECT sum(name) FROM people;
SELECT true + true;
SELECT true + NULL;
SELECT 'a' + true;
SELECT substring(name, 2), substring(name FROM 2 FOR 1) FROM people;
-- a keyword that nothing follows is a table alias in Spark
SELECT id FROM people GROUP;
-- An unterminated string swallows the rest of the script, so it comes last.
SELECT 'unterminated FROM people;
