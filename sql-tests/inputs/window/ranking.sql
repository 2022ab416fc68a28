-- Ranking window functions: ties (rank vs dense_rank vs row_number), NULL partition
-- and order keys, one-row and empty inputs, percent_rank, cume_dist and ntile.
CREATE OR REPLACE TEMPORARY VIEW emp AS SELECT * FROM VALUES
  ('eng', 'ann', 100), ('eng', 'bob', 90), ('eng', 'cid', 90), ('eng', 'dan', 80),
  ('ops', 'eve', 70), ('ops', 'fay', 70), ('ops', 'gus', NULL),
  ('hr', 'hal', 60),
  (NULL, 'ivy', 50), (NULL, 'jon', 55)
  AS emp(dept, name, salary);
SELECT dept, name, salary, row_number() OVER (PARTITION BY dept ORDER BY salary DESC, name) FROM emp;
SELECT dept, name, salary, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r FROM emp;
SELECT dept, name, salary, dense_rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS dr FROM emp;
SELECT name, salary,
  rank() OVER (ORDER BY salary DESC) AS r,
  dense_rank() OVER (ORDER BY salary DESC) AS dr,
  row_number() OVER (ORDER BY salary DESC, name) AS rn
FROM emp;
SELECT name, salary, rank() OVER (ORDER BY salary) AS r FROM emp;
SELECT name, salary, rank() OVER (ORDER BY salary DESC NULLS FIRST) AS r FROM emp;
SELECT dept, name, rank() OVER (PARTITION BY dept ORDER BY salary) AS r FROM emp WHERE dept IS NULL OR dept = 'ops';
SELECT dept, name, salary, percent_rank() OVER (PARTITION BY dept ORDER BY salary) AS pr FROM emp;
SELECT dept, name, salary, cume_dist() OVER (PARTITION BY dept ORDER BY salary) AS cd FROM emp;
SELECT name, salary, ntile(3) OVER (ORDER BY salary DESC, name) AS bucket FROM emp;
SELECT name, ntile(4) OVER (PARTITION BY dept ORDER BY name) AS bucket FROM emp;
SELECT name, ntile(20) OVER (ORDER BY name) AS bucket FROM emp;
SELECT dept, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r FROM emp GROUP BY dept;
SELECT name, row_number() OVER (ORDER BY name) FROM emp WHERE salary > 1000;
SELECT row_number() OVER (ORDER BY x), rank() OVER (ORDER BY x), percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x), ntile(5) OVER (ORDER BY x)
FROM VALUES (42) AS t(x);
SELECT dept, name, row_number() OVER (PARTITION BY dept ORDER BY name) AS rn FROM emp ORDER BY dept NULLS LAST, rn;
SELECT * FROM (
  SELECT dept, name, salary, dense_rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS dr FROM emp
) WHERE dr = 1;
SELECT x, rank() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x DESC) FROM VALUES (1.5D), (CAST('NaN' AS DOUBLE)), (1.5D), (NULL), (-0.0D) AS t(x);
