-- the new scalar functions with ANSI mode off: invalid input is NULL where Spark says so
SET spark.sql.ansi.enabled=false;
SELECT make_timestamp(2019, 13, 1, 10, 11, 12), make_timestamp(2019, 6, 30, 23, 59, 60.5), make_timestamp_ntz(2019, 2, 30, 1, 1, 1), make_timestamp(2020, 1, 1, 0, 0, 0, 'bad/zone');
SELECT parse_url('inva lid://a', 'HOST'), to_timestamp_ntz('bad'), from_utc_timestamp('bad', 'UTC'), convert_timezone('UTC', 'Asia/Tokyo', 'bad');
SELECT make_interval(2147483647, 1), try_make_interval(2147483647, 1);
SELECT make_ym_interval(178956970, 8);
SELECT url_decode('%zz');
SELECT to_number('abc', '999');
SELECT to_binary('zz', 'hex');
SELECT validate_utf8(X'FF');
SELECT timestampadd(DAY, 1, 'bad'), timestampdiff(DAY, 'bad', TIMESTAMP'2020-01-01 00:00:00'), dayname('bad'), nullifzero('x');
SELECT equal_null('a', 1), nullifzero('0'), nullifzero(' 0 ');
SET spark.sql.ansi.enabled=true;
