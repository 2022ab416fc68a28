-- NULL propagation, three-valued logic, COALESCE and NULLIF.
SELECT NULL AND true, NULL AND false, NULL OR true, NULL OR false, NOT NULL;
SELECT true AND true, true OR false, NOT true;
SELECT NULL = NULL, NULL <=> NULL, 1 <=> NULL, 1 = NULL, NULL > 1;
SELECT 1 + NULL, NULL * 2, NULL / 1, 'a' || NULL;
SELECT coalesce(NULL, 1), coalesce(NULL, NULL, 'x'), coalesce(1, 2);
SELECT coalesce(NULL, 1, 2.5);
SELECT nullif(1, 1), nullif(1, 2), nullif(NULL, 1);
SELECT NULL IS NULL, 1 IS NULL, NULL IS NOT NULL;
SELECT 1 IN (1, NULL), 2 IN (1, NULL), NULL IN (1, 2), 2 NOT IN (1, NULL);
SELECT CASE WHEN NULL THEN 'yes' ELSE 'no' END;
CREATE OR REPLACE TEMPORARY VIEW n AS SELECT * FROM VALUES (1, NULL), (NULL, 2), (NULL, NULL), (3, 4) AS n(a, b);
SELECT a, b, a + b, a = b, a < b, coalesce(a, b, -1) FROM n;
SELECT a, b, a IS NULL OR b IS NULL FROM n;
SELECT count(*), count(a), count(b), sum(a), sum(b), avg(a), min(b), max(b) FROM n;
SELECT a, count(*) FROM n GROUP BY a;
SELECT * FROM n WHERE a IS NULL AND b IS NULL;
SELECT * FROM n WHERE NOT (a > 1);
SELECT * FROM n ORDER BY a NULLS LAST, b NULLS FIRST;
