-- Parquet: schema from the footer, projection, row-group pruning with min/max statistics.
CREATE OR REPLACE TEMPORARY VIEW sales USING parquet OPTIONS (path 'data/sales.parquet');
DESCRIBE sales;
SELECT count(*), sum(quantity), sum(price), min(day), max(day) FROM sales;
SELECT id, product, price FROM sales WHERE id BETWEEN 18 AND 22 ORDER BY id;
SELECT region, count(*), sum(price * quantity) AS revenue FROM sales GROUP BY region ORDER BY region;
SELECT product, avg(price) FROM sales WHERE quantity IS NULL GROUP BY product ORDER BY product;
SELECT * FROM parquet.`data/sales.parquet` WHERE id = 7;
SELECT count(*) FROM parquet.`data/sales.parquet` WHERE id > 1000;
EXPLAIN SELECT id, price FROM sales WHERE id > 35;
CREATE OR REPLACE TEMPORARY VIEW people USING csv OPTIONS (path 'data/people.csv', header 'true', inferSchema 'true');
SELECT s.id, p.name, s.product FROM sales s JOIN people p ON s.id = p.id WHERE s.id <= 3 ORDER BY s.id;
