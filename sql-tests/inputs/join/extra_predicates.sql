-- An OR in a join condition implies, for each input, the OR of what each branch asks
-- of that input alone; that filter is pushed to the input (Spark's
-- PushExtraPredicateThroughJoin, TPC-H Q7 and Q19). The OR itself still decides.
CREATE OR REPLACE TEMPORARY VIEW nat AS SELECT * FROM VALUES (0, 'FRANCE'), (1, 'GERMANY'), (2, 'PERU'), (3, NULL) AS nat(nk, nname);
CREATE OR REPLACE TEMPORARY VIEW ships AS SELECT * FROM VALUES (1, 0, 1), (2, 1, 0), (3, 0, 0), (4, 2, 1), (5, 1, 3), (6, NULL, 1) AS ships(id, from_nk, to_nk);
SELECT s.id, a.nname, b.nname FROM ships s JOIN nat a ON s.from_nk = a.nk JOIN nat b ON s.to_nk = b.nk AND ((a.nname = 'FRANCE' AND b.nname = 'GERMANY') OR (a.nname = 'GERMANY' AND b.nname = 'FRANCE')) ORDER BY s.id;
EXPLAIN SELECT s.id FROM ships s JOIN nat a ON s.from_nk = a.nk JOIN nat b ON s.to_nk = b.nk AND ((a.nname = 'FRANCE' AND b.nname = 'GERMANY') OR (a.nname = 'GERMANY' AND b.nname = 'FRANCE'));
-- A branch that asks nothing of an input implies nothing for it.
SELECT s.id FROM ships s JOIN nat a ON s.from_nk = a.nk WHERE a.nname = 'PERU' OR s.id < 3 ORDER BY s.id;
-- NULLs: a branch that is NULL does not keep the row, before or after.
SELECT s.id FROM ships s JOIN nat a ON s.from_nk = a.nk WHERE (a.nname = 'FRANCE' AND s.id > 1) OR (a.nname IS NULL AND s.id > 0) ORDER BY s.id;
SELECT count(*) FROM ships s LEFT JOIN nat a ON s.from_nk = a.nk AND (a.nname = 'FRANCE' OR s.id = 2);
