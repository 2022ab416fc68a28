-- The session time zone governs timestamp <-> date and string conversions.
SET spark.sql.session.timeZone=America/Los_Angeles;
SELECT date_format(timestamp '2024-03-10 01:30:00', 'yyyy-MM-dd HH:mm XXX'), unix_timestamp(timestamp '1970-01-01 00:00:00');
SELECT to_date(timestamp '2024-01-01 23:30:00'), hour(timestamp '2024-01-01 23:30:00'), from_unixtime(0);
SELECT unix_timestamp('1970-01-01 00:00:00'), date_format(to_timestamp('2024-01-01 10:00:00+00:00', 'yyyy-MM-dd HH:mm:ssXXX'), 'yyyy-MM-dd HH:mm');
SELECT date_format(timestamp '2024-03-09 12:00:00' + interval '1' day, 'yyyy-MM-dd HH:mm XXX');
SELECT date_format(timestamp '2024-03-09 12:00:00' + interval '24' hour, 'yyyy-MM-dd HH:mm XXX');
SELECT timestamp '2024-03-11 00:00:00' - timestamp '2024-03-10 00:00:00';
SELECT date_format(date_trunc('DAY', timestamp '2024-07-01 22:00:00'), 'yyyy-MM-dd HH:mm XXX');
SET spark.sql.session.timeZone=+08:00;
SELECT from_unixtime(0), date_format(date '2024-01-01', 'HH:mm XXX'), unix_timestamp(date '1970-01-01');
SELECT to_date(timestamp '2024-01-01 20:00:00'), date_format(timestamp '2024-01-01 20:00:00', 'yyyy-MM-dd HH:mm');
SET spark.sql.session.timeZone=UTC;
SELECT from_unixtime(0), unix_timestamp(timestamp '2024-01-01 00:00:00');
SET spark.sql.session.timeZone=Asia/Kolkata;
SELECT CAST(to_timestamp('2024-01-01 10:00:00') AS STRING), CAST(timestamp '2024-01-01 10:00:00' AS STRING), CAST(date '2024-01-01' + interval '90' minute AS STRING);
SELECT concat('at ', date_trunc('HOUR', timestamp '2024-01-01 10:45:00')), CAST(CAST('2024-01-01 10:00:00' AS TIMESTAMP) AS DATE);
SELECT CAST(to_timestamp('2024-01-01 02:00:00') AS DATE), to_date(to_timestamp('2024-01-01 02:00:00')), CAST(now() AS DATE) = current_date();
