-- GROUP BY with expressions, ordinals and aliases; the basic aggregates.
CREATE OR REPLACE TEMPORARY VIEW sales AS SELECT * FROM VALUES
  ('north', 'apple', 10, 1.5), ('north', 'pear', 5, 2.0), ('south', 'apple', 7, 1.5),
  ('south', 'apple', 3, 1.25), ('east', 'fig', NULL, 4.0), ('north', 'apple', 1, NULL)
  AS sales(region, product, qty, price);
SELECT region, count(*) FROM sales GROUP BY region;
SELECT region, product, sum(qty) FROM sales GROUP BY region, product;
SELECT region, sum(qty), avg(qty), min(qty), max(qty), count(qty) FROM sales GROUP BY region;
SELECT region AS r, count(*) AS n FROM sales GROUP BY r;
SELECT region, count(*) FROM sales GROUP BY 1;
SELECT product, sum(qty * price) AS revenue FROM sales GROUP BY product;
SELECT upper(region), count(*) FROM sales GROUP BY upper(region);
SELECT qty > 5 AS big, count(*) FROM sales GROUP BY qty > 5;
SELECT region, sum(qty) + 1 AS s1, sum(qty) * 2 FROM sales GROUP BY region;
SELECT count(*), sum(qty), avg(price) FROM sales;
SELECT count(DISTINCT region), count(DISTINCT product), count(DISTINCT qty) FROM sales;
SELECT region, count(DISTINCT product) FROM sales GROUP BY region;
SELECT region, sum(DISTINCT qty) FROM sales GROUP BY region;
SELECT min(region), max(product) FROM sales;
SELECT sum(price), avg(price) FROM sales;
SELECT region, max(price) - min(price) FROM sales GROUP BY region;
SELECT count(1), count(NULL) FROM sales;
SELECT region, product FROM sales GROUP BY region, product ORDER BY region, product;
SELECT region, count(*) FROM sales GROUP BY region ORDER BY count(*) DESC, region;
SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY n, region;
SELECT sum(CAST(qty AS BIGINT)) FROM sales;
SELECT avg(CAST(qty AS DECIMAL(10, 2))), sum(CAST(qty AS DECIMAL(10, 2))) FROM sales;
SELECT region, qty FROM sales GROUP BY region;
SELECT region, count(*) FROM sales GROUP BY 3;
SELECT sum(region) FROM sales;
SELECT sum(sum(qty)) FROM sales;
SELECT region FROM sales WHERE count(*) > 1 GROUP BY region;
