-- Semi-join reduction (Spark's InjectRuntimeFilter): a small filtered key set
-- semi-joins the scan under an aggregate joined on that key. And semi/anti joins
-- from IN / NOT IN / EXISTS move below inner joins onto the table they read.
DROP TABLE IF EXISTS facts;
DROP TABLE IF EXISTS dims;
CREATE TABLE facts USING parquet AS SELECT id, CASE WHEN id % 97 = 0 THEN NULL ELSE id % 200 END AS k, id % 7 AS v FROM range(2000);
CREATE TABLE dims USING parquet AS SELECT id AS k, CASE WHEN id % 10 = 3 THEN 'hit' ELSE 'miss' END AS name FROM range(200);
-- A correlated subquery aggregated per key (TPC-H Q17's shape).
SELECT sum(f.v), count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.name = 'hit' AND f.v < (SELECT avg(v) FROM facts WHERE k = d.k);
EXPLAIN SELECT sum(f.v), count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.name = 'hit' AND f.v < (SELECT avg(v) FROM facts WHERE k = d.k);
-- A join with an aggregated derived table; NULL keys form a group that never matches.
SELECT d.k, a.s, a.n FROM dims d JOIN (SELECT k, sum(v) AS s, count(*) AS n FROM facts GROUP BY k) a ON d.k = a.k WHERE d.name = 'hit' ORDER BY d.k LIMIT 5;
SELECT count(*) FROM (SELECT k, sum(v) AS s FROM facts GROUP BY k) a LEFT JOIN dims d ON d.k = a.k AND d.name = 'hit' WHERE d.k IS NULL;
-- Switched off, the same answers without the semi join.
SET ember.optimizer.runtimeFilter.semiJoinReduction.enabled=false;
SELECT sum(f.v), count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.name = 'hit' AND f.v < (SELECT avg(v) FROM facts WHERE k = d.k);
EXPLAIN SELECT d.k, a.s FROM dims d JOIN (SELECT k, sum(v) AS s FROM facts GROUP BY k) a ON d.k = a.k WHERE d.name = 'hit';
SET ember.optimizer.runtimeFilter.semiJoinReduction.enabled=true;
-- Spark 4 removed its semi-join reduction: its old key takes only its old default.
SET spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled=false;
SET spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled=true;
SET spark.sql.optimizer.runtimeFilter.semiJoinReduction.enabled=maybe;
SET spark.sql.optimizer.runtimeFilter.creationSideThreshold=tiny;
-- IN and NOT IN (with NULL keys on both sides) filter facts before the join with dims.
SELECT d.name, count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE f.id IN (SELECT id FROM facts WHERE v = 0 AND id < 300) GROUP BY d.name ORDER BY 1;
EXPLAIN SELECT d.name, count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE f.id IN (SELECT id FROM facts WHERE v = 0 AND id < 300) GROUP BY d.name;
SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE f.k NOT IN (SELECT k FROM dims WHERE k > 190);
SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE f.k NOT IN (SELECT k FROM facts WHERE id < 200);
SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE EXISTS (SELECT 1 FROM dims x WHERE x.k = f.v AND x.name = 'hit');
-- With a tiny broadcast threshold, the right side of EXISTS / NOT EXISTS is shuffled:
-- it is first reduced to the keys the filtered left side has (TPC-H Q4's shape).
SET spark.sql.autoBroadcastJoinThreshold=100;
SELECT count(*) FROM dims d WHERE d.name = 'hit' AND EXISTS (SELECT 1 FROM facts f WHERE f.k = d.k AND f.v > 3);
SELECT count(*) FROM dims d WHERE d.name = 'hit' AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.k = d.k AND f.v > 5 AND f.id < 400);
EXPLAIN SELECT count(*) FROM dims d WHERE d.name = 'hit' AND EXISTS (SELECT 1 FROM facts f WHERE f.k = d.k AND f.v > 3);
SET spark.sql.autoBroadcastJoinThreshold=10m;
DROP TABLE facts;
DROP TABLE dims;
