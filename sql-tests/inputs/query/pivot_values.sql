-- PIVOT over an aliased VALUES list or subquery.
SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20), (2, 'a', 30) AS t(k, c, v) PIVOT (sum(v) FOR c IN ('a', 'b'));
SELECT * FROM (SELECT * FROM VALUES (1, 'a', 10), (2, 'b', 20) AS t(k, c, v)) s PIVOT (max(v) FOR c IN ('a' AS x, 'b' AS y)) ORDER BY k;
SELECT * FROM VALUES (1, 'a', 10), (1, 'a', NULL) AS t(k, c, v) PIVOT (count(v) FOR c IN ('a', 'z'));
