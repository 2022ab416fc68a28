-- Maps and structs: constructors, access, functions and display.
CREATE OR REPLACE TEMPORARY VIEW ms AS SELECT * FROM VALUES
  (1, map('a', 1, 'b', 2), named_struct('x', 1, 'y', 'one')),
  (2, map('c', NULL), named_struct('x', NULL, 'y', 'two')),
  (3, NULL, NULL),
  (4, map(), named_struct('x', 4, 'y', NULL)) AS ms(id, m, st);
SELECT id, m, st FROM ms ORDER BY id;
SELECT m, st FROM ms WHERE id = 1;
SELECT map(1, 'x', 2, 'y'), map('k', array(1, 2)), map(), map(1, 2L, 3L, 4);
SELECT id, m['a'], m['c'], m['zzz'] FROM ms ORDER BY id;
SELECT id, element_at(m, 'b'), try_element_at(m, 'nope') FROM ms ORDER BY id;
SELECT id, size(m), map_keys(m), map_values(m), map_entries(m) FROM ms ORDER BY id;
SELECT id, map_contains_key(m, 'a'), map_contains_key(m, 'c') FROM ms ORDER BY id;
SELECT map_from_arrays(array(1, 2), array('a', 'b')), map_from_arrays(array(), array()), map_from_arrays(array('k'), array(NULL));
SELECT map(1.5, 'a')[1.5], map(1, 'a')[2], map(array(1), 'x')[array(1)];
SELECT id, st.x, st.y, st FROM ms ORDER BY id;
SELECT ms.st.x, ms.id FROM ms ORDER BY ms.id;
SELECT id, st.x + 1 AS x1, upper(st.y) FROM ms ORDER BY id;
SELECT id FROM ms WHERE st.x > 0 ORDER BY id;
SELECT st.y, count(*) FROM ms GROUP BY st.y ORDER BY st.y;
SELECT named_struct('a', 1, 'b', 'x'), named_struct('a', NULL), named_struct('a', named_struct('b', array(1, 2)));
SELECT struct(1, 'a'), struct(id, m) FROM ms WHERE id = 1;
SELECT struct(id AS k, st.y) AS s FROM ms WHERE id = 1;
SELECT struct(id, st.y, 1 + 1) FROM ms WHERE id = 1;
SELECT named_struct('a', 1, 'b', 2).b, named_struct('a', array(10, 20)).a[1];
SELECT CAST(named_struct('a', 1, 'b', 2) AS struct<x:string,y:bigint>);
SELECT named_struct('inner', named_struct('v', 7)) AS n;
SELECT n.inner.v, n.inner FROM (SELECT named_struct('inner', named_struct('v', 7)) AS n);
SELECT t.n.inner.v FROM (SELECT named_struct('inner', named_struct('v', 7)) AS n) t;
SELECT named_struct('a', 1) = named_struct('a', 1), named_struct('a', 1) IS NULL;
SELECT map('a', named_struct('p', 1))['a'].p, array(map('k', 1))[0]['k'];
SELECT st FROM ms ORDER BY st.x NULLS LAST, id;
SELECT map_keys(NULL), map_values(NULL), map_contains_key(NULL, 1), map_entries(NULL);
SELECT map('b', 1, 'a', 2), map_keys(map('b', 1, 'a', 2)), map(named_struct('k', 1), 'v');
SELECT named_struct('a', 1, 'A', 2), named_struct('a', 1, 'A', 2).a;
SELECT id, st.* FROM ms ORDER BY id;
SELECT ms.st.* FROM ms WHERE id = 1;
SELECT n.inner.* FROM (SELECT named_struct('inner', named_struct('v', 7, 'w', 'z')) AS n);
SELECT nope.* FROM ms;
