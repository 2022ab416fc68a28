-- array functions: append, prepend, insert, compact, size, repeat, overlap
SELECT array_append(array(1, 2), 3), array_append(array(1, 2), NULL), array_append(CAST(NULL AS ARRAY<INT>), 1), array_append(array(1L), 2);
SELECT array_append(array('a'), 1);
SELECT array_prepend(array(1, 2), 0), array_prepend(array(1, 2), NULL), array_prepend(CAST(NULL AS ARRAY<INT>), 1), array_prepend(array(1), 2L);
SELECT array_append(arr, v), array_prepend(arr, v) FROM VALUES (array(1), 2), (NULL, 3), (array(), NULL) AS t(arr, v);
SELECT array_insert(array(1, 2, 3), 2, 9), array_insert(array(1, 2, 3), -1, 9), array_insert(array(1, 2, 3), 5, 9), array_insert(array(1, 2, 3), -5, 9), array_insert(array(1, 2), 1, NULL), array_insert(CAST(NULL AS ARRAY<INT>), 1, 2), array_insert(array(1), CAST(NULL AS INT), 2);
SELECT array_insert(array(1, 2), -3, 0), array_insert(array(1, 2), -4, 0), array_insert(array(1, 2), 4, 0), array_insert(array(1), 1, 2L);
SELECT array_insert(array(1, 2, 3), 0, 9);
SELECT array_insert(array('a', 'b'), 2, 1);
SELECT array_insert(array(1), NULL, 2);
SELECT array_insert(array(1), 2147483647, 1);
SELECT array_compact(array(1, NULL, 2, NULL)), array_compact(CAST(NULL AS ARRAY<INT>)), array_compact(array()), array_compact(array(CAST(NULL AS STRING)));
SELECT array_size(array(1, 2)), array_size(CAST(NULL AS ARRAY<INT>)), array_size(array());
SELECT array_size(map(1, 2));
SELECT array_repeat('a', 3), array_repeat(1, 0), array_repeat(1, -1), array_repeat(NULL, 2), array_repeat(1, NULL), array_repeat(array(1), 2);
SELECT array_repeat('a', 'b');
SELECT array_repeat(1, 2147483647);
SELECT arrays_overlap(array(1, 2), array(2, 3)), arrays_overlap(array(1, 2), array(3)), arrays_overlap(array(1, NULL), array(3)), arrays_overlap(array(1), array(1L)), arrays_overlap(array(), array(NULL)), arrays_overlap(array(1, NULL), array(1)), arrays_overlap(CAST(NULL AS ARRAY<INT>), array(1));
SELECT arrays_overlap(array('a'), array(1));
