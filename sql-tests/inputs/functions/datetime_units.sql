-- epoch units: timestamp_seconds/millis/micros, unix_seconds/millis/micros, unix_date, date_from_unix_date
SELECT timestamp_seconds(1230219000), timestamp_seconds(1230219000.123), timestamp_millis(1230219000123), timestamp_micros(1230219000123123), timestamp_seconds(NULL);
SELECT timestamp_seconds(CAST(1.5 AS DOUBLE)), timestamp_seconds(-1), timestamp_millis(-1), timestamp_micros(-1);
SELECT unix_seconds(TIMESTAMP('1970-01-01 00:00:01Z')), unix_millis(TIMESTAMP('1970-01-01 00:00:01.123Z')), unix_micros(TIMESTAMP('1970-01-01 00:00:01.123456Z')), unix_seconds(TIMESTAMP('1969-12-31 23:59:59.5Z'));
SELECT unix_date(DATE('1970-01-02')), unix_date(DATE('1969-12-31')), date_from_unix_date(1), date_from_unix_date(-1), date_from_unix_date(NULL), unix_date(NULL);
SELECT timestamp_millis('1');
SELECT unix_seconds('2020-01-01');
SELECT unix_date('2020-01-01');
SELECT date_from_unix_date(1.5);
