-- HAVING, including aggregates that are not in the select list.
CREATE OR REPLACE TEMPORARY VIEW sales AS SELECT * FROM VALUES
  ('north', 10), ('north', 5), ('south', 7), ('south', 3), ('east', NULL), ('north', 1)
  AS sales(region, qty);
SELECT region, sum(qty) FROM sales GROUP BY region HAVING sum(qty) > 9;
SELECT region FROM sales GROUP BY region HAVING count(*) >= 2;
SELECT region, sum(qty) AS total FROM sales GROUP BY region HAVING total < 12;
SELECT region FROM sales GROUP BY region HAVING max(qty) > 6 AND min(qty) < 5;
SELECT count(*) FROM sales HAVING count(*) > 100;
SELECT count(*) FROM sales HAVING count(*) > 1;
SELECT region, avg(qty) FROM sales GROUP BY region HAVING avg(qty) IS NULL;
SELECT region FROM sales GROUP BY region HAVING region LIKE 'n%';
