-- make_ym_interval, make_dt_interval, make_interval, try_make_interval
SELECT make_ym_interval(1, 2), make_ym_interval(1), make_ym_interval(), make_ym_interval(-1, 13), make_ym_interval(NULL, 1);
SELECT make_dt_interval(1, 12, 30, 01.001001), make_dt_interval(2), make_dt_interval(), make_dt_interval(1, 2), make_dt_interval(0, 0, 0, -1.5), make_dt_interval(1, NULL);
SELECT make_ym_interval(178956970, 8);
SELECT make_dt_interval(106751992, 0, 0, 0);
SELECT make_interval(100, 11, 1, 1, 12, 30, 01.001001), make_interval(1), typeof(make_interval(1)), try_make_interval(2147483647, 1), make_interval(0, 0, 0, 0, 0, 0, 0);
SELECT make_interval(2147483647, 1);
SELECT typeof(make_ym_interval(1)), typeof(make_dt_interval(1)), DATE'2020-01-31' + make_ym_interval(0, 1), TIMESTAMP'2020-01-01 00:00:00' + make_dt_interval(1, 1);
SELECT y, m, make_ym_interval(y, m) FROM VALUES (1, 1), (2, -30), (NULL, 3) AS t(y, m) ORDER BY y;
SELECT make_ym_interval(1, 2, 3);
