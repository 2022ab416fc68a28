-- Inner joins written in any order (comma joins, cross joins with WHERE) are ordered by
-- estimated size: no cross join where a condition connects the tables, the largest
-- input streamed; OR branches sharing a join key become a join condition (TPC-H Q19).
CREATE OR REPLACE TEMPORARY VIEW big AS SELECT id, id % 10 AS mid_id, id % 3 AS small_id FROM range(200);
CREATE OR REPLACE TEMPORARY VIEW mid AS SELECT id AS mid_id, concat('m', id) AS mname FROM range(10);
CREATE OR REPLACE TEMPORARY VIEW small AS SELECT * FROM VALUES (0, 'zero'), (1, 'one'), (2, 'two') AS small(small_id, sname);
SELECT count(*) FROM small, big, mid WHERE small.small_id = big.small_id AND mid.mid_id = big.mid_id;
SELECT sname, count(*) FROM small, mid, big WHERE big.small_id = small.small_id AND big.mid_id = mid.mid_id GROUP BY sname ORDER BY sname;
SELECT sname, mname, count(*) AS n FROM small CROSS JOIN mid JOIN big ON big.small_id = small.small_id AND big.mid_id = mid.mid_id WHERE mname IN ('m1', 'm2') GROUP BY sname, mname ORDER BY sname, mname;
SELECT * FROM small, mid WHERE small.small_id = 1 AND mid.mid_id < 2 ORDER BY mid_id;
SELECT count(*) FROM small s1, small s2, small s3 WHERE s1.small_id = s2.small_id AND s2.small_id = s3.small_id;
SELECT count(*) FROM small s1, small s2, small s3;
SELECT count(*) FROM big b, mid m, small s WHERE b.mid_id = m.mid_id AND (b.small_id = s.small_id AND s.sname = 'one' OR b.small_id = s.small_id AND b.id < 10);
SELECT s.sname, m.mname FROM small s JOIN mid m ON s.small_id = m.mid_id JOIN big b ON b.id = m.mid_id + 100 ORDER BY 1;
SELECT count(*) FROM big, mid, small WHERE big.mid_id = mid.mid_id AND big.small_id > small.small_id;
SELECT count(*) FROM big, mid, small WHERE big.mid_id = mid.mid_id AND false;
EXPLAIN SELECT count(*) FROM small, big, mid WHERE small.small_id = big.small_id AND mid.mid_id = big.mid_id;
EXPLAIN SELECT count(*) FROM big b, mid m, small s WHERE b.mid_id = m.mid_id AND (b.small_id = s.small_id AND s.sname = 'one' OR b.small_id = s.small_id AND b.id < 10);
