-- A tour of Ember's SQL over the sample data in data/.
-- Run from the repository root: cargo run -p ember-cli -- -f examples/sql_walkthrough.sql

-- Files become views with Spark's reader options.
CREATE OR REPLACE TEMPORARY VIEW people
USING csv OPTIONS (path 'data/people.csv', header 'true', inferSchema 'true');
CREATE OR REPLACE TEMPORARY VIEW orders USING json OPTIONS (path 'data/orders.json');
SHOW TABLES;
DESCRIBE people;

-- Filters, expressions and ordering.
SELECT name, age, salary * 12 AS yearly
FROM people
WHERE age BETWEEN 30 AND 50
ORDER BY yearly DESC NULLS LAST;

-- Aggregation with HAVING.
SELECT city, count(*) AS n, avg(age) AS avg_age
FROM people
GROUP BY city
HAVING count(*) > 1
ORDER BY n DESC, city;

-- Joins, including an outer join that keeps people without orders.
SELECT p.name, count(o.order_id) AS orders, sum(o.amount) AS spent
FROM people p LEFT JOIN orders o ON p.id = o.person_id
GROUP BY p.name
ORDER BY orders DESC, p.name;

-- Nested JSON: arrays explode into rows.
WITH items AS (SELECT order_id, explode(items) AS item FROM orders)
SELECT item, count(*) AS times FROM items GROUP BY item ORDER BY times DESC, item LIMIT 5;

-- See how Ember runs a query: filters and pruned columns at the scans, stages at exchanges.
EXPLAIN EXTENDED
SELECT p.city, sum(o.amount)
FROM people p JOIN orders o ON p.id = o.person_id
WHERE o.amount > 10
GROUP BY p.city;
