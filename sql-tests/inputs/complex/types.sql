-- Complex type names in CAST, DESCRIBE and tables; casts between complex types.
CREATE OR REPLACE TEMPORARY VIEW ct AS SELECT array(1, 2) AS a, map('k', 1) AS m, named_struct('x', 1, 'y', array('s')) AS s, array(map(1, named_struct('z', true))) AS deep;
DESCRIBE ct;
DESCRIBE QUERY SELECT a[0], m['k'], s.y, deep[0][1].z FROM ct;
SELECT CAST(m AS map<string,bigint>), CAST(s AS struct<p:string,q:array<string>>) FROM ct;
SELECT CAST(NULL AS array<int>), CAST(NULL AS map<string,int>), CAST(NULL AS struct<a:int>);
SELECT CAST(array(1, NULL) AS array<string>), CAST(array(array(1)) AS array<array<bigint>>);
SELECT CAST(map(1, 2) AS array<int>);
SELECT CAST(array(1) AS int);
DROP TABLE IF EXISTS ctab;
CREATE TABLE ctab (id INT, tags ARRAY<STRING>, attrs MAP<STRING, INT>, pt STRUCT<x: INT, y: STRING>) USING parquet;
DESCRIBE ctab;
INSERT INTO ctab VALUES (1, array('a', 'b'), map('k', 1), named_struct('x', 1, 'y', 'q')), (2, NULL, map(), NULL);
SELECT id, tags, attrs, pt, tags[1], attrs['k'], pt.y FROM ctab ORDER BY id;
SELECT id, t FROM ctab LATERAL VIEW explode(tags) v AS t ORDER BY id, t;
SELECT a, m, s, deep FROM ct;
DROP TABLE ctab;
