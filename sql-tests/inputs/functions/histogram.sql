-- histogram_numeric (Hive's NumericHistogram)
SELECT histogram_numeric(x, 5) FROM VALUES (1), (2), (10), (NULL) AS t(x);
SELECT histogram_numeric(x, 2) FROM VALUES (1), (2), (3), (10) AS t(x);
SELECT histogram_numeric(x, 3) FROM VALUES (1.5D), (2.5D) AS t(x);
SELECT histogram_numeric(x, 3) FROM VALUES (CAST(NULL AS INT)) AS t(x);
SELECT histogram_numeric(x, 1) FROM VALUES (1) AS t(x);
SELECT histogram_numeric(x, y) FROM VALUES (1, 2) AS t(x, y);
SELECT histogram_numeric(x, 3) FROM VALUES (DATE'2020-01-01'), (DATE'2020-01-03') AS t(x);
