-- type-named casts: int(x), bigint(x), ... are CAST(x AS type) named after x
SELECT int('12'), bigint(1.5), smallint(3), tinyint(4), double('1.5'), float(2), decimal('1.25'), boolean('true'), string(12), binary('ab'), date('2020-01-02'), timestamp('2020-01-02 03:04:05');
SELECT decimal(1.5), decimal(123.456), int(NULL), string(NULL), boolean(0);
SELECT int(x), string(x), double(x) FROM VALUES (1), (NULL), (-7) AS t(x);
SELECT int('12') + 1, upper(string(true));
SELECT INT('3'), Bigint('4');
SELECT int('abc');
SELECT tinyint(300);
SELECT int(1, 2);
SELECT int();
SELECT int(array(1));
SELECT date(1);
