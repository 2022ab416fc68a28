-- map constructors: map_concat, map_from_entries, str_to_map
SELECT map_concat(map(1, 'a'), map(2, 'b')), map_concat(map(1, 'a'), CAST(NULL AS MAP<INT, STRING>)), map_concat(), map_concat(map(1, 'a'));
SELECT map_concat(map('a', 1), map('b', 2L)), map_concat(map(1, 'a'), map(2, 'b'), map(3, 'c'));
SELECT map_concat(map(1, 'a'), map(1, 'b'));
SELECT map_concat(map(1, 'a'), map('1', 'b'));
SELECT map_concat(map(1, 'a'), 1);
SELECT map_concat(m1, m2) FROM VALUES (map(1, 'a'), map(2, 'b')), (map(3, 'c'), NULL), (map(), map(4, 'd')) AS t(m1, m2);
SELECT map_from_entries(array(struct(1, 'a'), struct(2, 'b'))), map_from_entries(CAST(NULL AS ARRAY<STRUCT<a:INT,b:STRING>>)), map_from_entries(array(struct(1, 'a'), NULL)), map_from_entries(array());
SELECT map_from_entries(array(struct(NULL, 'a')));
SELECT map_from_entries(array(struct(1, 'a'), struct(1, 'b')));
SELECT map_from_entries(array(1));
SELECT str_to_map('a:1,b:2'), str_to_map('a=1;b=2', ';', '='), str_to_map('a'), str_to_map(NULL), str_to_map(''), str_to_map('a:1:2,b');
SELECT str_to_map('a:1,a:2');
SELECT str_to_map('a1b2c3', '[0-9]', '');
