-- make_timestamp, make_timestamp_ltz, make_timestamp_ntz and their try_ forms
SELECT make_timestamp(2014, 12, 28, 6, 30, 45.887), make_timestamp(2014, 12, 28, 6, 30, 45.887, 'CET'), make_timestamp(2019, 6, 30, 23, 59, 60), make_timestamp(2019, 6, 30, 23, 59, 1), make_timestamp(null, 7, 22, 15, 30, 0);
SELECT make_timestamp(2019, 13, 1, 10, 11, 12, 'PST');
SELECT make_timestamp(2019, 6, 30, 23, 59, 60.5);
SELECT make_timestamp(2019, 2, 30, 1, 1, 1);
SELECT make_timestamp(2019, 2, 1, 24, 1, 1);
SELECT make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887), make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, 'CET'), try_make_timestamp(2019, 13, 1, 10, 11, 12), try_make_timestamp_ntz(2019, 13, 1, 10, 11, 12);
SELECT try_make_timestamp_ltz(2019, 6, 30, 23, 59, 60.5), try_make_timestamp(2020, 1, 1, 0, 0, 0, 'Asia/Tokyo'), make_timestamp(2020, 1, 1, 0, 0, 0, 'PST');
SELECT make_timestamp(2019, 6, 30, 23, 59, 'a');
SELECT make_timestamp(2019, 6, 30, 23, 59, 1.1234567);
SELECT make_timestamp(2019, 2, 3, 23, 59, 1, 'bad/zone');
SELECT y, make_timestamp(y, 1, 1, 0, 0, 0), try_make_timestamp(y, 2, 29, 0, 0, 0) FROM VALUES (2020), (2021), (NULL) AS t(y) ORDER BY y;
SELECT typeof(make_timestamp_ntz(2020, 1, 1, 0, 0, 0)), typeof(make_timestamp_ltz(2020, 1, 1, 0, 0, 0));
SELECT make_timestamp(2020, 1, 1, 1);
