-- json_array_length, json_object_keys, schema_of_json
SELECT json_array_length('[1,2,3]'), json_array_length('[]'), json_array_length('{"a":1}'), json_array_length('[1,'), json_array_length(NULL), json_array_length('[[1],{"a":[2]}]');
SELECT json_object_keys('{"a":1,"b":{"c":2}}'), json_object_keys('{}'), json_object_keys('[1]'), json_object_keys('{"a":'), json_object_keys(NULL);
SELECT j, json_array_length(j), json_object_keys(j) FROM VALUES ('[1, 2]'), ('{"x": [], "y": null}'), ('"s"') AS t(j);
SELECT schema_of_json('[{"col":0}]'), schema_of_json('{"a":1,"b":"x","c":[1.5],"d":true,"e":null}'), schema_of_json('1'), schema_of_json('"s"');
SELECT schema_of_json('{"a":12345678901, "b": 1e3, "c": [1, 2.5], "d": [1, "x"], "e": [{"q": 1}, {"p": true}]}');
SELECT schema_of_json('{"z":1,"a":2}'), schema_of_json('{"a b":1}'), schema_of_json('[]'), schema_of_json('null');
SELECT schema_of_json(a) FROM VALUES ('{"a":1}') AS t(a);
