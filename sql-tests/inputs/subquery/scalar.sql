-- Scalar subqueries: uncorrelated (run once before the query) and correlated
-- (rewritten into a left outer join with the aggregated subquery, or a single join
-- failing with SCALAR_SUBQUERY_TOO_MANY_ROWS when not a global aggregate).
CREATE OR REPLACE TEMPORARY VIEW emp AS SELECT * FROM VALUES
  (1, 'ann', 10, 1000), (2, 'bob', 10, 1500), (3, 'cid', 20, 2000), (4, 'dee', 20, NULL),
  (5, 'eve', 30, 900), (6, 'fay', NULL, 1200)
  AS emp(id, name, dept, salary);
CREATE OR REPLACE TEMPORARY VIEW dept AS SELECT * FROM VALUES
  (10, 'sales'), (20, 'eng'), (30, 'ops'), (40, 'empty')
  AS dept(dept_id, dname);
-- uncorrelated
SELECT (SELECT max(salary) FROM emp);
SELECT name FROM emp WHERE salary = (SELECT max(salary) FROM emp);
SELECT name, salary - (SELECT avg(salary) FROM emp) AS diff FROM emp ORDER BY id;
SELECT name FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY name;
SELECT (SELECT 1) + (SELECT 2);
SELECT (SELECT salary FROM emp WHERE id = 99);
SELECT (SELECT count(*) FROM emp WHERE id = 99);
SELECT name FROM emp WHERE dept = (SELECT dept_id FROM dept WHERE dname = 'eng') ORDER BY name;
SELECT dept, count(*) FROM emp GROUP BY dept HAVING count(*) > (SELECT count(*) FROM dept WHERE dept_id > 25) ORDER BY dept;
SELECT (SELECT (SELECT max(id) FROM emp) + 1);
SELECT * FROM emp WHERE (SELECT count(*) FROM dept) = 4 AND id < 3 ORDER BY id;
-- correlated, in WHERE
SELECT name, salary FROM emp e WHERE salary > (SELECT avg(salary) FROM emp WHERE dept = e.dept) ORDER BY name;
SELECT name FROM emp e WHERE salary = (SELECT max(salary) FROM emp x WHERE x.dept = e.dept) ORDER BY name;
SELECT dname FROM dept d WHERE (SELECT count(*) FROM emp WHERE emp.dept = d.dept_id) = 0;
SELECT dname FROM dept d WHERE (SELECT count(*) FROM emp WHERE emp.dept = d.dept_id) >= 2 ORDER BY dname;
SELECT dname FROM dept WHERE (SELECT sum(salary) FROM emp WHERE dept = dept_id) > 2000 ORDER BY dname;
-- correlated, in SELECT
SELECT dname, (SELECT count(*) FROM emp WHERE emp.dept = dept.dept_id) AS n FROM dept ORDER BY dname;
SELECT dname, (SELECT max(salary) FROM emp WHERE emp.dept = dept.dept_id) AS top FROM dept ORDER BY dname;
SELECT dname, (SELECT count(salary) + 1 FROM emp WHERE emp.dept = dept.dept_id) AS n FROM dept ORDER BY dname;
SELECT dname, (SELECT sum(salary) FROM emp WHERE emp.dept = dept.dept_id) FROM dept ORDER BY dname;
-- in a subquery over emp, dept.dept_id reads emp's column dept (not a struct), as in
-- Spark: the subquery's own columns come before the outer query's tables
SELECT dname, (SELECT count(*) FROM emp WHERE emp.dept = d.dept_id) AS n FROM dept d ORDER BY dname;
SELECT dname, (SELECT max(salary) FROM emp WHERE emp.dept = d.dept_id) AS top FROM dept d ORDER BY dname;
SELECT dname, (SELECT count(salary) + 1 FROM emp WHERE emp.dept = d.dept_id) AS n FROM dept d ORDER BY dname;
SELECT dname, (SELECT sum(salary) FROM emp WHERE emp.dept = d.dept_id) FROM dept d ORDER BY dname;
-- not aggregated: a single join, failing when an outer row meets a second row
SELECT name, (SELECT dname FROM dept WHERE dept_id = dept) FROM emp ORDER BY id;
SELECT name, (SELECT salary FROM emp x WHERE x.id = e.id + 1) AS next FROM emp e ORDER BY id;
SELECT name, (SELECT name FROM emp x WHERE x.salary > e.salary) AS richer FROM emp e WHERE id = 3;
SELECT name, (SELECT name FROM emp x WHERE x.salary > e.salary) AS richer FROM emp e WHERE id = 2;
SELECT d.dname, (SELECT e.name FROM emp e WHERE e.dept = d.dept_id AND e.salary >= 2000) AS top FROM dept d ORDER BY dname;
SELECT (SELECT x.name FROM emp x WHERE x.dept = e.dept AND x.id <> e.id) AS other FROM emp e WHERE id IN (3, 5) ORDER BY 1;
-- grouped: one row per group, so a single join too
SELECT name, (SELECT max(salary) FROM emp x WHERE x.dept = e.dept GROUP BY x.id) AS m FROM emp e ORDER BY id;
SELECT name, (SELECT max(salary) FROM emp x WHERE x.dept = e.dept GROUP BY x.dept) AS m FROM emp e ORDER BY id;
-- not supported yet: correlations other than equalities below an aggregate, LIMIT
SELECT name, (SELECT count(*) FROM emp x WHERE x.salary > e.salary) AS n FROM emp e ORDER BY id;
SELECT name, (SELECT x.name FROM emp x WHERE x.dept = e.dept ORDER BY x.salary DESC LIMIT 1) AS top FROM emp e ORDER BY id;
SELECT name, (SELECT max(dname) FROM dept WHERE dept_id = emp.dept) AS d FROM emp ORDER BY id;
-- correlated, in HAVING
SELECT dept, sum(salary) FROM emp e GROUP BY dept HAVING sum(salary) > (SELECT min(salary) * 2 FROM emp) ORDER BY dept;
-- correlation through a derived table and a CTE
WITH big AS (SELECT * FROM emp WHERE salary >= 1000)
SELECT dname, (SELECT count(*) FROM big WHERE big.dept = d.dept_id) AS n FROM dept d ORDER BY dname;
SELECT * FROM (SELECT dname, (SELECT max(salary) FROM emp WHERE dept = dept_id) AS m FROM dept) WHERE m IS NOT NULL ORDER BY dname;
-- errors
SELECT (SELECT id, name FROM emp);
SELECT (SELECT id FROM emp);
SELECT name FROM emp e WHERE salary > (SELECT salary FROM emp WHERE dept = e.dept);
SELECT (SELECT max(x) FROM emp);
-- A CTE aggregated both in the query and in its scalar subquery is computed once and
-- read by both (TPC-H Q15's shape); ties, NULL groups and an empty input still agree.
WITH rev AS (SELECT k, sum(v) AS total FROM VALUES (1, 10), (1, 20), (2, 30), (3, 5), (NULL, 30) AS t(k, v) GROUP BY k) SELECT k, total FROM rev WHERE total = (SELECT max(total) FROM rev) ORDER BY k;
WITH rev AS (SELECT k, sum(v) AS total FROM VALUES (1, 10), (2, 5) AS t(k, v) GROUP BY k) SELECT k, total, (SELECT count(*) FROM rev) AS groups FROM rev WHERE total > (SELECT min(total) FROM rev) ORDER BY k;
WITH rev AS (SELECT k, sum(v) AS total FROM VALUES (1, 10) AS t(k, v) WHERE v > 100 GROUP BY k) SELECT k, total FROM rev WHERE total = (SELECT max(total) FROM rev);
