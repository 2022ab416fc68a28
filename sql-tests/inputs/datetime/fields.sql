-- Date and time fields: extract, date_part and the field functions.
CREATE OR REPLACE TEMPORARY VIEW dt AS SELECT * FROM VALUES
  (1, date '2024-02-29', timestamp '2024-02-29 13:45:30.123456'),
  (2, date '2023-01-01', timestamp '2023-01-01 00:00:00'),
  (3, date '1999-12-31', timestamp '1999-12-31 23:59:59.5'),
  (4, NULL, NULL) AS dt(id, d, ts);
SELECT id, year(d), quarter(d), month(d), day(d), dayofmonth(d) FROM dt ORDER BY id;
SELECT id, dayofweek(d), weekday(d), dayofyear(d), weekofyear(d) FROM dt ORDER BY id;
SELECT id, hour(ts), minute(ts), second(ts) FROM dt ORDER BY id;
SELECT id, extract(year FROM d), extract(month FROM ts), extract(day FROM d) FROM dt ORDER BY id;
SELECT id, extract(second FROM ts), extract(hour FROM ts), extract(dow FROM d), extract(doy FROM d) FROM dt ORDER BY id;
SELECT extract(week FROM date '2021-01-03'), extract(quarter FROM date '2021-11-30'), date_part('dow_iso', date '2024-06-02');
SELECT date_part('year', date '2019-08-12'), date_part('MONTH', timestamp '2019-08-12 01:00:00'), date_part('mins', timestamp '2019-08-12 01:59:00');
SELECT date_part('seconds', timestamp '2019-10-01 00:00:01.000001');
SELECT year('2024-07-04'), month('2024-07-04 10:00:00'), hour('2024-07-04 10:11:12'), hour(date '2024-07-04');
SELECT year(NULL), extract(year FROM CAST(NULL AS DATE)), date_part('day', CAST(NULL AS TIMESTAMP));
SELECT extract(year FROM interval '1-2' year to month), extract(month FROM interval '1-2' year to month);
SELECT extract(day FROM interval '2 days 3 hours'), extract(hour FROM interval '2 days 3 hours'), extract(second FROM interval '1.5' second);
SELECT extract(fortnight FROM date '2024-01-01');
SELECT date_part('hour', interval '3' month);
SELECT year(1);
SELECT year('not a date');
SELECT year(d) AS y, count(*) FROM dt GROUP BY year(d) ORDER BY y;
SELECT extract(YeAr FROM d), extract(Month FROM ts), date_part('HOUR', ts) FROM dt ORDER BY id;
SELECT extract(day FROM interval '-2 03' day to hour), extract(hour FROM interval '-2 03' day to hour), extract(minute FROM interval '-90' minute), extract(second FROM interval '-1 02:03:04.5' day to second);
SELECT extract(hour FROM interval '1' day);
SELECT extract(day FROM interval '36' hour);
SELECT date_part('year', interval '14' month);
