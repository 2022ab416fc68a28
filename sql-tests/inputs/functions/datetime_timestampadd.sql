-- timestampadd / timestampdiff and their dateadd / date_add / datediff / date_diff spellings with a unit
SELECT timestampadd(HOUR, 1, TIMESTAMP'2020-01-01 00:00:00'), timestampdiff(HOUR, TIMESTAMP'2020-01-01 00:00:00', TIMESTAMP'2020-01-02 00:00:00'), dateadd(MONTH, 1, DATE'2020-01-31'), date_diff(DAY, DATE'2020-01-01', DATE'2020-03-01');
SELECT timestampadd(MICROSECOND, 5, DATE'2020-01-01'), timestampdiff(YEAR, DATE'2020-01-01', DATE'2021-12-31'), timestampadd(DAY, 1, TIMESTAMP_NTZ'2020-01-01 00:00:00');
SELECT timestampdiff(MONTH, TIMESTAMP'2020-01-31 10:00:00', TIMESTAMP'2020-02-29 09:00:00'), timestampdiff(DAY, TIMESTAMP'2020-01-02 10:00:00', TIMESTAMP'2020-01-01 11:00:00'), timestampadd(QUARTER, 1, '2020-01-01'), timestampadd(WEEK, -1, DATE'2020-01-01');
SELECT timestampadd(DAYOFYEAR, 1, DATE'2020-01-01'), timestampdiff(MILLISECOND, TIMESTAMP'2020-01-01 00:00:00', TIMESTAMP'2020-01-01 00:00:01.5'), timestampadd(SECOND, 1.9, TIMESTAMP'2020-01-01 00:00:00');
SELECT date_add(MONTH, 1, DATE'2020-01-01'), datediff(YEAR, DATE'2020-01-01', DATE'2022-01-01'), timestampadd(YEAR, NULL, DATE'2020-01-01'), typeof(timestampadd(DAY, 1, DATE'2020-01-01'));
SELECT timestampdiff(QUARTER, DATE'2020-01-15', DATE'2020-07-14'), timestampdiff(WEEK, DATE'2020-01-01', DATE'2020-01-15'), timestampdiff(MINUTE, TIMESTAMP'2020-01-01 00:00:00', TIMESTAMP'2019-12-31 23:58:30'), timestampadd(YEAR, 1, DATE'2020-02-29');
SELECT d, timestampadd(MONTH, n, d), timestampdiff(DAY, d, DATE'2021-01-01') FROM VALUES (DATE'2020-01-31', 1), (DATE'2020-12-31', -2), (NULL, 1) AS t(d, n) ORDER BY d;
SELECT timestampadd('HOUR', 1, TIMESTAMP'2020-01-01 00:00:00');
SELECT date_add(DATE'2020-01-01', 3), datediff(DATE'2020-01-03', DATE'2020-01-01');
