-- format_number: Java's DecimalFormat, rounding half to even
SELECT format_number(12332.123456, 4), format_number(12332.123456, '##################.###'), format_number(-0.5, 0), format_number(1.5, 0), format_number(2.5D, 0), format_number(12345, 0);
SELECT format_number(123.456F, 2), format_number(NULL, 2), format_number(1, -1), typeof(format_number(1, 1)), format_number(1234567.891BD, 2), format_number(0.000012345D, 3);
SELECT format_number(1e20D, 2), format_number(12332.123456, ''), format_number(5, '#,###.00'), format_number(123456789L, 2), format_number(-1234.5D, 1), format_number(0, 3);
SELECT x, format_number(x, 2) FROM VALUES (1.005D), (-2.675D), (999.999D), (NULL) AS t(x) ORDER BY x;
SELECT format_number(1, NULL), format_number(CAST(NULL AS INT), 1), format_number(99.5, 0), format_number(0.5, 0);
SELECT format_number('a', 2);
