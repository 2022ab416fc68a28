-- UNPIVOT: EXCLUDE NULLS (the default) and INCLUDE NULLS, one and several value columns, aliases, type widening.
CREATE TEMPORARY VIEW w AS SELECT * FROM VALUES (1, 10, 11L, null, 'x'), (2, null, null, 3, 'y') AS w(id, A, b, c, s);
SELECT * FROM w UNPIVOT (val FOR col IN (A, b, c));
SELECT * FROM w UNPIVOT INCLUDE NULLS (val FOR col IN (A AS aa, b, c));
SELECT * FROM w UNPIVOT EXCLUDE NULLS (val FOR col IN (a, b)) u ORDER BY id, col;
SELECT * FROM w UNPIVOT ((v1, v2) FOR col IN ((A, b), (c, id) AS cid));
SELECT * FROM w UNPIVOT INCLUDE NULLS ((v1, v2) FOR col IN ((A, b) AS ab, (c, id)));
SELECT u.* FROM w UNPIVOT (val FOR col IN (a, b)) AS u;
SELECT col, sum(val) FROM w UNPIVOT (val FOR col IN (a, c)) GROUP BY col;
SELECT * FROM w UNPIVOT ((v1, v2) FOR col IN ((A, b), (c, id))) WHERE v1 IS NULL;
SELECT * FROM (SELECT * FROM w WHERE false) UNPIVOT (val FOR col IN (a, b));
SELECT * FROM (SELECT * FROM VALUES (1, 2.5D, 3) AS n(x, y, z)) UNPIVOT (val FOR col IN (x, y, z));
SELECT * FROM w UNPIVOT (val FOR col IN (A, s));
SELECT * FROM w UNPIVOT (val FOR col IN (id, a, b, c, s));
SELECT * FROM w UNPIVOT (val FOR col IN (zz));
SELECT * FROM w UNPIVOT (val FOR col IN (a + 1, b));
