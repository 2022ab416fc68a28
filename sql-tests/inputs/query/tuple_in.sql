-- Row constructors and tuple IN.
CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20), (2, 'a', 30), (2, null, 40) AS t(k, c, v);
SELECT (1, 2) IN ((1, 2), (3, 4));
SELECT (1, 'x');
SELECT k, c FROM t WHERE (k, c) IN ((1, 'a'), (2, 'a'));
SELECT k, c FROM t WHERE (k, c) NOT IN ((1, 'a'), (2, 'a'));
SELECT (1, null) IN ((1, 2));
SELECT (k, v) = (1, 10) FROM t;
SELECT * FROM t PIVOT (sum(v) FOR (c, k) IN (('a', 1) AS a1, ('b', 1)));
SELECT (1, 2) IN ((1, 2, 3));
