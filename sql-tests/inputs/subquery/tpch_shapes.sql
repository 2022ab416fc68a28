-- The subquery shapes of TPC-H (Q2, Q4, Q17, Q20, Q21, Q22) on tiny tables; EXPLAIN
-- shows joins, no subquery left.
CREATE OR REPLACE TEMPORARY VIEW part AS SELECT * FROM VALUES (1, 'forest green'), (2, 'red'), (3, 'forest blue') AS part(p_partkey, p_name);
CREATE OR REPLACE TEMPORARY VIEW partsupp AS SELECT * FROM VALUES (1, 100, 5, 1.5), (1, 200, 50, 1.0), (2, 100, 7, 2.0), (3, 200, 30, 3.0), (3, 100, 1, 0.5) AS partsupp(ps_partkey, ps_suppkey, ps_availqty, ps_supplycost);
CREATE OR REPLACE TEMPORARY VIEW lineitem AS SELECT * FROM VALUES
  (1, 1, 100, 10, DATE '1994-02-01', DATE '1994-02-03', DATE '1994-02-05'),
  (1, 3, 200, 20, DATE '1994-03-01', DATE '1994-03-09', DATE '1994-03-05'),
  (2, 1, 200, 30, DATE '1995-01-01', DATE '1995-01-05', DATE '1995-01-02'),
  (3, 2, 100, 1, DATE '1994-05-01', DATE '1994-05-02', DATE '1994-05-07'),
  (3, 3, 200, 2, DATE '1994-05-01', DATE '1994-05-02', DATE '1994-05-01')
  AS lineitem(l_orderkey, l_partkey, l_suppkey, l_quantity, l_shipdate, l_commitdate, l_receiptdate);
CREATE OR REPLACE TEMPORARY VIEW orders AS SELECT * FROM VALUES (1, 10, '1-URGENT'), (2, 20, '2-HIGH'), (3, 10, '5-LOW'), (4, 30, '1-URGENT') AS orders(o_orderkey, o_custkey, o_orderpriority);
-- Q2 shape: correlated scalar min
SELECT p_partkey, ps_suppkey FROM part, partsupp WHERE p_partkey = ps_partkey AND ps_supplycost = (SELECT min(ps_supplycost) FROM partsupp WHERE p_partkey = ps_partkey) ORDER BY p_partkey;
-- Q4 shape: EXISTS
SELECT o_orderpriority, count(*) AS order_count FROM orders WHERE EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate) GROUP BY o_orderpriority ORDER BY o_orderpriority;
-- Q17 shape: correlated scalar avg
SELECT sum(l_quantity) FROM lineitem, part WHERE p_partkey = l_partkey AND l_quantity < (SELECT 0.9 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey);
-- Q20 shape: nested IN with a correlated scalar inside
SELECT ps_suppkey FROM partsupp WHERE ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%') AND ps_availqty > (SELECT 0.5 * sum(l_quantity) FROM lineitem WHERE l_partkey = ps_partkey AND l_suppkey = ps_suppkey) ORDER BY ps_suppkey;
-- Q21 shape: EXISTS and NOT EXISTS with a non-equality correlation
SELECT l1.l_orderkey, l1.l_suppkey FROM lineitem l1 WHERE l1.l_receiptdate > l1.l_commitdate AND EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey) AND NOT EXISTS (SELECT * FROM lineitem l3 WHERE l3.l_orderkey = l1.l_orderkey AND l3.l_suppkey <> l1.l_suppkey AND l3.l_receiptdate > l3.l_commitdate) ORDER BY 1, 2;
-- Q22 shape: uncorrelated scalar and NOT EXISTS
SELECT o_custkey, count(*) FROM orders WHERE o_orderkey > (SELECT avg(l_orderkey) FROM lineitem WHERE l_quantity > 0) AND NOT EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey) GROUP BY o_custkey;
EXPLAIN SELECT o_orderpriority FROM orders WHERE EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate);
EXPLAIN SELECT sum(l_quantity) FROM lineitem, part WHERE p_partkey = l_partkey AND l_quantity < (SELECT 0.9 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey);
EXPLAIN SELECT * FROM orders WHERE o_orderkey NOT IN (SELECT l_orderkey FROM lineitem);
