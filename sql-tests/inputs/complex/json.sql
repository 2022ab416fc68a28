-- JSON functions: get_json_object, from_json, to_json.
SELECT get_json_object('{"a": {"b": [1, {"c": "x"}]}}', '$.a.b[1].c'), get_json_object('{"a": {"b": [1, 2]}}', '$.a.b'), get_json_object('{"a": {"b": [1, 2]}}', '$.a.b[0]');
SELECT get_json_object('{"a": "str", "n": null, "t": true}', '$.a'), get_json_object('{"a": "str", "n": null}', '$.n'), get_json_object('{"t": true}', '$.t');
SELECT get_json_object('{"a": 1}', '$.missing'), get_json_object('not json', '$.a'), get_json_object(NULL, '$.a'), get_json_object('{"a": 1}', 'a');
SELECT get_json_object('{"k y": {"z": 2.50}}', '$[''k y''].z'), get_json_object('[1, [2, 3]]', '$[1][0]'), get_json_object('{"a": {"x": 1, "b": 2}}', '$.a');
SELECT from_json('{"a": 1, "b": "x"}', 'a INT, b STRING'), from_json('{"a": 1}', 'a INT, b STRING');
SELECT from_json('{"a": "not a number", "b": "x"}', 'a INT, b STRING'), from_json('garbage', 'a INT'), from_json(NULL, 'a INT');
SELECT from_json('{"a": [1, 2], "m": {"k": 1.5}}', 'a ARRAY<INT>, m MAP<STRING, DOUBLE>');
SELECT from_json('[1, 2, null]', 'array<int>'), from_json('{"x": 1}', 'map<string,int>'), from_json('{"s": {"t": true}}', 'struct<s:struct<t:boolean>>');
SELECT from_json('{"d": "2024-02-29", "v": 12.345}', 'd DATE, v DECIMAL(5,2)');
SELECT from_json('{"a": 1}', 'a INT').a, from_json('{"n": 5}', 'n BIGINT').n + 1;
SELECT to_json(named_struct('a', 1, 'b', 'x')), to_json(named_struct('a', NULL, 'b', array(1, NULL))), to_json(array(1, 2)), to_json(map('k', 1.5D));
SELECT to_json(array(named_struct('s', 'q"t'))), to_json(map(1, true)), to_json(named_struct('d', DATE'2024-01-02', 'v', 1.50BD)), to_json(NULL);
SELECT to_json(from_json('{"a": 1, "b": [true]}', 'a INT, b ARRAY<BOOLEAN>'));
SELECT from_json(js, 'a INT').a FROM VALUES ('{"a": 1}'), ('{"a": 2}'), (NULL) AS t(js) ORDER BY 1 NULLS FIRST;
