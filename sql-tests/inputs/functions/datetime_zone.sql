-- from_utc_timestamp, to_utc_timestamp, convert_timezone, to_timestamp_ntz/ltz, localtimestamp
SELECT from_utc_timestamp('2016-08-31', 'Asia/Seoul'), to_utc_timestamp('2016-08-31', 'Asia/Seoul'), from_utc_timestamp(TIMESTAMP'2016-08-31 10:00:00', 'PST'), to_utc_timestamp(TIMESTAMP_NTZ'2016-08-31 10:00:00', '+02:00'), from_utc_timestamp(DATE'2016-08-31', 'UTC');
SELECT from_utc_timestamp(NULL, 'UTC'), to_utc_timestamp(TIMESTAMP'2020-03-08 10:00:00', NULL), from_utc_timestamp(TIMESTAMP'2020-03-08 10:00:00', 'America/New_York');
SELECT from_utc_timestamp('2016-08-31', 'bogus');
SELECT convert_timezone('Europe/Brussels', 'America/Los_Angeles', timestamp_ntz'2021-12-06 00:00:00'), convert_timezone('Europe/Brussels', timestamp_ntz'2021-12-05 15:00:00'), convert_timezone('UTC', 'Asia/Tokyo', TIMESTAMP'2021-12-06 00:00:00'), convert_timezone('UTC', 'Asia/Tokyo', '2021-12-06 00:00:00');
SELECT convert_timezone('UTC', NULL, '2021-12-06 00:00:00'), convert_timezone('+01:00', '-05:30', DATE'2021-12-06');
SELECT convert_timezone('UTC', 'nowhere', '2021-12-06 00:00:00');
SELECT to_timestamp_ntz('2016-12-31 00:12:00'), to_timestamp_ntz('2016-12-31', 'yyyy-MM-dd'), to_timestamp_ltz('2016-12-31 00:12:00'), to_timestamp_ltz('2016-12-31', 'yyyy-MM-dd'), to_timestamp_ntz(DATE'2020-01-01'), to_timestamp_ntz(TIMESTAMP'2020-01-01 10:00:00'), to_timestamp_ntz('2020-01-01 10:00:00+08:00');
SELECT to_timestamp_ntz('bad');
SELECT to_timestamp_ntz(NULL), typeof(to_timestamp_ntz('2020-01-01')), typeof(to_timestamp_ltz('2020-01-01'));
SELECT localtimestamp() IS NOT NULL, typeof(localtimestamp());
SET TIME ZONE 'America/Los_Angeles';
SELECT from_utc_timestamp(TIMESTAMP'2016-08-31 10:00:00', 'Asia/Seoul'), to_utc_timestamp(TIMESTAMP_NTZ'2016-08-31 10:00:00', 'Asia/Seoul'), convert_timezone('Europe/Brussels', timestamp_ntz'2021-12-05 15:00:00'), to_timestamp_ntz(TIMESTAMP'2020-01-01 10:00:00');
SET TIME ZONE 'UTC';
