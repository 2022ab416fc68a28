-- The range table function (Spark's spark.range): id bigint.
SELECT * FROM range(5);
SELECT * FROM range(2, 6);
SELECT id FROM range(0, 20, 5);
SELECT id FROM range(10, 0, -3);
SELECT count(*), sum(id), min(id), max(id) FROM range(1, 1001);
SELECT count(*) FROM range(0, 1000000, 1, 4);
SELECT id % 3 AS k, count(*) FROM range(10) GROUP BY id % 3;
SELECT r.id, t.v FROM range(3) r JOIN VALUES (1, 'one'), (2, 'two') AS t(k, v) ON r.id = t.k;
SELECT * FROM range(5) AS r(n) WHERE n > 2;
SELECT * FROM range(5, 5);
SELECT * FROM range(0, 10, 0);
SELECT * FROM range('a');
SELECT * FROM range(1, 2, 3, 4, 5);
SELECT * FROM range(1 + 1);
SELECT * FROM range(-2, 1);
SELECT * FROM range(id);
SELECT * FROM nope(1);
