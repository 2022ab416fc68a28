-- Arrays: constructors, access, and array functions.
CREATE OR REPLACE TEMPORARY VIEW arr AS SELECT * FROM VALUES
  (1, array(3, 1, 2), array('b', 'a')),
  (2, array(1, NULL, 1), array()),
  (3, NULL, array(NULL, 'c')),
  (4, array(), NULL) AS arr(id, a, s);
SELECT id, a, s FROM arr ORDER BY id;
SELECT array(1, 2, 3), array(1, 2.5), array('a', NULL), array();
SELECT array(1L, 2), array(1Y, 2S), array(NULL, 1.5D);
SELECT CAST(array(1, 2) AS array<string>), CAST(array('1', '2') AS ARRAY<INT>);
SELECT id, a[0], a[1], a[2], s[0] FROM arr WHERE id = 1;
SELECT id, a[0], s[1] FROM arr WHERE id = 3;
SET spark.sql.ansi.enabled = false;
SELECT id, a[0], a[5], a[-1], s[0], element_at(a, 9) FROM arr ORDER BY id;
SELECT size(NULL), size(a) FROM arr WHERE id = 3;
SET spark.sql.ansi.enabled = true;
SELECT array(10, 20, 30)[2], array(array(1, 2), array(3))[1][0];
SELECT id, size(a), cardinality(s) FROM arr ORDER BY id;
SELECT id, element_at(a, 1), element_at(a, -1) FROM arr WHERE id IN (1, 2) ORDER BY id;
SELECT try_element_at(array(1, 2), 5), get(array(1, 2), 1), get(array(1, 2), -1), get(array(1, 2), 2);
SELECT id, array_contains(a, 1), array_contains(a, 3) FROM arr ORDER BY id;
SELECT id, sort_array(a), sort_array(a, false), array_sort(a) FROM arr ORDER BY id;
SELECT sort_array(array('b', NULL, 'a', 'c')), array_sort(array(2.5, NULL, -1.0));
SELECT id, array_distinct(a) FROM arr ORDER BY id;
SELECT array_distinct(array(1, 2, 2, NULL, NULL, 3, 1));
SELECT array_union(array(1, 2, 2), array(3, 2, NULL)), array_intersect(array(1, 2, NULL, 2), array(2, NULL, 4)), array_except(array(1, 2, 3, 1), array(2));
SELECT array_union(array(1), array(2L)), array_union(array(), array(1));
SELECT array_union(a, array(9)) FROM arr ORDER BY id;
SELECT id, array_max(a), array_min(a) FROM arr ORDER BY id;
SELECT array_max(array('x', 'ab', NULL)), array_min(array(NULL, NULL)), array_max(array(1.5D, CAST('NaN' AS DOUBLE)));
SELECT id, array_position(a, 1), array_remove(a, 1) FROM arr ORDER BY id;
SELECT array_position(array('a', 'b'), 'c'), array_position(array(1, 2), NULL), array_remove(array(1, NULL, 2), NULL);
SELECT id, array_join(s, '-'), array_join(s, '-', '?') FROM arr ORDER BY id;
SELECT array_join(array(1, 2, NULL, 3), ','), array_join(array(), ',');
SELECT slice(array(1, 2, 3, 4, 5), 2, 2), slice(array(1, 2, 3, 4, 5), -2, 5), slice(array(1, 2, 3), 5, 1), slice(array(1, 2, 3), 1, 0);
SELECT flatten(array(array(1, 2), array(3), array())), flatten(array(array(1), NULL)), flatten(array(array('a'), array(NULL)));
SELECT sequence(1, 5), sequence(5, 1), sequence(1, 10, 3), sequence(-2, 2, 2), sequence(3, 3);
SELECT sequence(1L, 3L), sequence(1, 3L), sequence(1, NULL);
SELECT array(1, 2) = array(1, 2), array(1, 2) < array(1, 3);
SELECT id FROM arr WHERE array_contains(a, 2) OR size(s) = 0 ORDER BY id;
SELECT size(array(array(1), array(2, 3))), array(array(1, 2), NULL), array(named_struct('x', 1), named_struct('x', 2));
SELECT sort_array(NULL), array_distinct(NULL), array_max(NULL), slice(NULL, 1, 1), array_contains(NULL, 1), element_at(NULL, 1);
SELECT array_union(NULL, array(1)), array_join(NULL, ','), flatten(NULL), array_position(NULL, 1);
SELECT a, sort_array(a), a[0] FROM (SELECT array(id, id * 2) AS a FROM range(3)) ORDER BY a DESC;
SELECT arrays_zip(array(1, 2), array('a')), arrays_zip(a, s) FROM arr WHERE id = 1;
SELECT arrays_zip(a, s) FROM arr ORDER BY id;
SELECT arrays_zip(array(), array()), arrays_zip(array(1), NULL);
