-- linear regression aggregates (arguments y, x)
SELECT regr_count(y, x), regr_avgx(y, x), regr_avgy(y, x), regr_sxx(y, x), regr_syy(y, x), regr_sxy(y, x), regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x) FROM VALUES (1, 2), (2, 4), (3, 7), (NULL, 1), (5, NULL) AS t(y, x);
SELECT regr_count(y, x), regr_avgx(y, x), regr_sxx(y, x), regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x) FROM VALUES (1, 2), (2, 2) AS t(y, x);
SELECT regr_r2(y, x) FROM VALUES (1, 2), (1, 3) AS t(y, x);
SELECT regr_avgx(y, x), regr_avgy(y, x) FROM VALUES (1.5, 2.25), (2.5, 4.0) AS t(y, x);
SELECT regr_count(y, x), regr_avgx(y, x), regr_sxx(y, x), regr_slope(y, x) FROM VALUES (CAST(NULL AS INT), 1) AS t(y, x);
SELECT g, regr_count(y, x), regr_slope(y, x), regr_intercept(y, x) FROM VALUES (1, 1.0D, 1.0D), (1, 3.0D, 2.0D), (2, 2.0D, 1.0D), (2, 2.0D, 3.0D), (3, NULL, 1.0D) AS t(g, y, x) GROUP BY g ORDER BY g;
SELECT regr_slope(y, x) FROM VALUES ('a', 1) AS t(y, x);
SELECT regr_count(y) FROM VALUES (1) AS t(y);
