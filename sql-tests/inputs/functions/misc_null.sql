-- equal_null, nullifzero, zeroifnull, version, current_timezone, synonyms
SELECT equal_null(1, NULL), equal_null(NULL, NULL), equal_null(1, 1), equal_null('a', 'b'), equal_null(1, '1');
SELECT nullifzero(0), nullifzero(5), nullifzero(0L), nullifzero(0.0), nullifzero(NULL), typeof(nullifzero(NULL));
SELECT zeroifnull(NULL), zeroifnull(1.5BD), typeof(zeroifnull(NULL)), zeroifnull(7L), zeroifnull(CAST(NULL AS DOUBLE));
SELECT a, nullifzero(a), zeroifnull(a), equal_null(a, 0) FROM VALUES (0), (1), (NULL) AS t(a) ORDER BY a;
SELECT version(), current_timezone();
SELECT curdate() = current_date(), dateadd(DATE'2020-01-01', 1), date_diff(DATE'2020-01-03', DATE'2020-01-01'), datepart('YEAR', DATE'2020-01-01');
SELECT dayname(DATE'2020-01-01'), monthname(DATE'2020-01-01'), dayname(TIMESTAMP'2024-03-10 10:00:00'), monthname('2024-12-01'), dayname(NULL);
SELECT nullifzero('7'), nullifzero('0'), zeroifnull('7'), typeof(zeroifnull('7')), typeof(nullifzero('7'));
SELECT nullifzero('a');
SELECT equal_null(1);

-- typeof of an aggregate or window keeps the query an aggregation / window
SELECT typeof(count(*)) FROM VALUES (1), (2) t(x);
SELECT typeof(sum(x)) AS t, typeof(x) FROM VALUES (1), (2) t(x) GROUP BY x;
SELECT typeof(row_number() OVER (ORDER BY x)) FROM VALUES (1), (2) t(x);
