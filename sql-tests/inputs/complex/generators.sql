-- explode / posexplode / inline over arrays and maps, in the select list and in LATERAL VIEW.
CREATE OR REPLACE TEMPORARY VIEW g AS SELECT * FROM VALUES
  (1, array(10, 20), map('a', 1, 'b', 2)),
  (2, array(), map()),
  (3, NULL, NULL),
  (4, array(NULL), map('z', NULL)) AS g(id, a, m);
SELECT id, explode(a) FROM g ORDER BY id;
SELECT id, explode_outer(a) FROM g ORDER BY id;
SELECT id, posexplode(a) FROM g ORDER BY id;
SELECT id, posexplode_outer(a) FROM g ORDER BY id;
SELECT id, explode(m) FROM g ORDER BY id, key;
SELECT id, explode_outer(m) FROM g ORDER BY id, key;
SELECT id, posexplode(m) FROM g ORDER BY id, pos;
SELECT id, explode(m) AS (k, v) FROM g ORDER BY id, k;
SELECT explode(array(1, 2)) AS x;
SELECT explode(map(1, 'one', 2, 'two'));
SELECT inline(array(named_struct('a', 1, 'b', 'x'), named_struct('a', 2, 'b', NULL)));
SELECT inline(array(named_struct('a', 1, 'b', 'x'), NULL));
SELECT x, inline_outer(CAST(NULL AS array<struct<a:int,b:string>>)) FROM VALUES (1) AS t(x);
SELECT id, c FROM g LATERAL VIEW explode(a) t AS c ORDER BY id, c;
SELECT id, c FROM g LATERAL VIEW OUTER explode(a) t AS c ORDER BY id, c;
SELECT id, t.c FROM g LATERAL VIEW explode(a) t AS c ORDER BY id, c;
SELECT id, p, c FROM g LATERAL VIEW posexplode(a) t AS p, c ORDER BY id, p;
SELECT id, k, v FROM g LATERAL VIEW explode(m) t AS k, v ORDER BY id, k;
SELECT id, key, value FROM g LATERAL VIEW OUTER explode(m) t ORDER BY id, key;
SELECT t.pos, t.col FROM g LATERAL VIEW posexplode(a) t ORDER BY 1, 2 LIMIT 2;
SELECT id, x, y FROM g LATERAL VIEW explode(a) t1 AS x LATERAL VIEW explode(array(x, x + 1)) t2 AS y ORDER BY id, x, y;
SELECT id, c, count(*) OVER (PARTITION BY id) FROM g LATERAL VIEW explode(a) t AS c ORDER BY id, c;
SELECT c, sum(id) FROM g LATERAL VIEW explode(a) t AS c GROUP BY c ORDER BY c;
SELECT id, c FROM g LATERAL VIEW explode(a) t AS c WHERE c > 10 ORDER BY id;
SELECT col FROM g LATERAL VIEW explode(sequence(1, id)) t WHERE id < 3 ORDER BY col;
SELECT id, j.c0, j.c1 FROM VALUES (1, '{"a": 1, "b": "x"}'), (2, 'bad'), (3, NULL) AS v(id, js) LATERAL VIEW json_tuple(js, 'a', 'b') j ORDER BY id;
SELECT json_tuple('{"a": 1, "b": [1, 2], "c": null}', 'a', 'b', 'c', 'd');
SELECT id, explode(a) FROM g WHERE id = 99;
