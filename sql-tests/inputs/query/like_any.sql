-- LIKE / ILIKE with ANY, SOME and ALL, negated, with NULL patterns.
CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a', 10), (1, 'b', 20), (2, 'a', 30), (2, null, 40) AS t(k, c, v);
SELECT c FROM t WHERE c LIKE ANY ('a%', 'b%');
SELECT c FROM t WHERE c ILIKE ALL ('A%', '%a');
SELECT c FROM t WHERE c NOT LIKE SOME ('a%', 'b%');
SELECT c FROM t WHERE c NOT LIKE ALL ('a%', 'b%');
SELECT c FROM t WHERE c NOT LIKE ANY ('a%');
SELECT c LIKE ANY ('a%', 'b%'), c NOT ILIKE ALL ('A%'), c LIKE SOME ('%') FROM t;
SELECT c FROM t WHERE c LIKE ANY ('a%', null);
SELECT c FROM t WHERE c LIKE ALL ('a%', null);
SELECT c FROM t WHERE c LIKE ANY (c, 'b');
SELECT k FROM t WHERE k LIKE ANY ('1%');
