-- Window functions in whole queries: several windows, named windows, window
-- expressions inside other expressions and in ORDER BY, subqueries, DISTINCT,
-- joins, the EXPLAIN plan, and filters above windows.
CREATE OR REPLACE TEMPORARY VIEW emp AS SELECT * FROM VALUES
  (1, 'eng', 100), (2, 'eng', 90), (3, 'eng', 90), (4, 'ops', 70), (5, 'ops', 60), (6, 'hr', 60)
  AS emp(id, dept, salary);
SELECT id, dept, salary,
  rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS dept_rank,
  rank() OVER (ORDER BY salary DESC) AS overall_rank,
  sum(salary) OVER (PARTITION BY dept) AS dept_total,
  count(*) OVER () AS n
FROM emp;
SELECT id, sum(salary) OVER w AS s, max(salary) OVER w AS m, row_number() OVER w AS rn FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id);
SELECT id, sum(salary) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM emp WINDOW w AS (ORDER BY id);
SELECT id, sum(salary) OVER (w ORDER BY id) AS running, count(*) OVER w AS n FROM emp WINDOW w AS (PARTITION BY dept);
SELECT id, salary - avg(salary) OVER (PARTITION BY dept) AS diff, sum(salary) OVER (PARTITION BY dept) / 2 AS half FROM emp;
SELECT id, salary FROM emp ORDER BY rank() OVER (ORDER BY salary DESC, id DESC), id;
SELECT id, row_number() OVER (ORDER BY id DESC) AS rn FROM emp ORDER BY rn;
SELECT dept, id FROM (SELECT dept, id, row_number() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn FROM emp) WHERE rn <= 2;
SELECT * FROM (SELECT id, dept, sum(salary) OVER (PARTITION BY dept) AS total FROM emp) WHERE dept = 'eng';
EXPLAIN SELECT * FROM (SELECT id, dept, sum(salary) OVER (PARTITION BY dept) AS total FROM emp) WHERE dept = 'eng' AND total > 100;
SELECT DISTINCT dept, sum(salary) OVER (PARTITION BY dept) AS total FROM emp;
SELECT e.id, d.name, rank() OVER (PARTITION BY d.name ORDER BY e.salary) AS r
FROM emp e JOIN VALUES ('eng', 'Engineering'), ('ops', 'Operations') AS d(code, name) ON e.dept = d.code;
SELECT id, lag(salary) OVER (ORDER BY id) AS prev, lead(salary) OVER (ORDER BY id) AS next, salary FROM emp;
SELECT dept, max(rn) FROM (SELECT dept, row_number() OVER (PARTITION BY dept ORDER BY id) AS rn FROM emp) GROUP BY dept;
SELECT id, row_number() OVER (PARTITION BY id % 2 ORDER BY id) AS rn, id % 2 AS parity FROM emp;
SELECT id, sum(salary) OVER (PARTITION BY dept ORDER BY id), sum(salary) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM emp;
WITH ranked AS (SELECT id, dept, dense_rank() OVER (ORDER BY salary DESC) AS dr FROM emp) SELECT dr, count(*) FROM ranked GROUP BY dr;
SELECT id, cnt FROM (SELECT id, count(*) OVER (PARTITION BY salary) AS cnt FROM emp) WHERE cnt > 1;
EXPLAIN SELECT id % 3 AS k, sum(id) OVER (PARTITION BY id % 3) AS s FROM range(0, 12, 1, 3);
SELECT id % 3 AS k, id, sum(id) OVER (PARTITION BY id % 3) AS s, row_number() OVER (PARTITION BY id % 3 ORDER BY id DESC) AS rn FROM range(0, 12, 1, 3);
SELECT count(*), sum(rn), max(rn) FROM (SELECT row_number() OVER (PARTITION BY id % 7 ORDER BY id) AS rn FROM range(0, 100000, 1, 4));
SELECT max(s), count(DISTINCT s) FROM (SELECT sum(id) OVER (ORDER BY id) AS s FROM range(0, 200000, 1, 4));
SELECT sum(m) FROM (SELECT max(id) OVER (ORDER BY id ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS m FROM range(0, 50000, 1, 4));
SELECT dept, sum(salary) AS total FROM emp GROUP BY dept ORDER BY rank() OVER (ORDER BY sum(salary) DESC);
EXPLAIN EXTENDED SELECT id, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r, lag(id) OVER (PARTITION BY dept ORDER BY salary DESC) AS prev, count(*) OVER () AS n FROM emp WHERE dept = 'eng';
-- A window function sorts through a derived table (Spark has none in ORDER BY).
SELECT id, salary FROM (SELECT id, salary, rank() OVER (ORDER BY salary DESC, id DESC) AS r FROM emp) ORDER BY r, id;
