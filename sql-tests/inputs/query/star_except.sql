-- SELECT * EXCEPT (…) and t.* EXCEPT (…).
CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20), (2, 'a', 30), (2, null, 40) AS t(k, c, v);
SELECT * EXCEPT (c) FROM t;
SELECT * EXCEPT (C, v) FROM t;
SELECT t.* EXCEPT (c, v) FROM t;
SELECT * EXCEPT (t.k) FROM t;
SELECT * EXCEPT (k, c, v) FROM t;
SELECT a.* EXCEPT (k), b.v FROM t a JOIN t b ON a.k = b.k AND a.v = b.v;
SELECT * EXCEPT (zz) FROM t;
SELECT t.* EXCEPT (zz) FROM t;
SELECT * EXCEPT (k, k) FROM t;
