-- JSON lines: inference with sorted fields, nested structs and arrays.
CREATE OR REPLACE TEMPORARY VIEW orders USING json OPTIONS (path 'data/orders.json');
DESCRIBE orders;
SELECT order_id, amount FROM orders ORDER BY order_id;
SELECT * FROM orders WHERE order_id = 100;
SELECT order_id, items FROM orders ORDER BY order_id;
SELECT person_id, sum(amount) FROM orders GROUP BY person_id ORDER BY person_id;
SELECT item, count(*) FROM (SELECT explode(items) AS item FROM orders) GROUP BY item ORDER BY item;
SELECT count(*) FROM json.`data/orders.json`;
CREATE OR REPLACE TEMPORARY VIEW people USING csv OPTIONS (path 'data/people.csv', header 'true', inferSchema 'true');
SELECT p.name, o.order_id, o.amount FROM people p JOIN orders o ON p.id = o.person_id ORDER BY o.order_id;
SELECT p.name, count(o.order_id) AS orders FROM people p LEFT JOIN orders o ON p.id = o.person_id GROUP BY p.name ORDER BY orders DESC, p.name;
