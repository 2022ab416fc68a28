-- encode, decode, to_binary, the UTF-8 validators, quote and mask
SELECT hex(encode('aé', 'UTF-16')), hex(encode('aé', 'UTF-32')), hex(encode('aé', 'ISO-8859-1')), hex(encode('a', 'US-ASCII')), hex(encode('aé', 'utf-8')), hex(encode('aé', 'UTF-16LE'));
SELECT decode(X'FEFF0061', 'UTF-16'), decode(X'0061', 'UTF-16'), decode(X'FFFE6100', 'UTF-16'), decode(X'E9', 'ISO-8859-1'), decode(X'61C3A9', 'UTF-8'), decode(encode('aé', 'UTF-16LE'), 'UTF-16LE');
SELECT encode(1, 'utf-8'), decode('abc', 'utf-8'), encode(NULL, 'utf-8'), decode(X'61', NULL);
SELECT encode('aé', 'US-ASCII');
SELECT encode('a', 'bogus');
SELECT decode(X'FF', 'UTF-8');
SELECT decode(1, 1, 'a', 2, 'b', 'c'), decode(NULL, NULL, 'n', 'x'), decode(2, 1, 'a'), decode(3, 1, 'a', 2, 'b', 'z');
SELECT to_binary('abc', 'utf-8'), to_binary('616263', 'hex'), to_binary('YWJj', 'base64'), to_binary('616263'), to_binary('YWJ', 'base64'), try_to_binary('zz', 'hex');
SELECT to_binary('zz', 'hex');
SELECT to_binary('Y!WJj', 'base64');
SELECT to_binary('a', 'bogus');
SELECT is_valid_utf8('abc'), is_valid_utf8(X'61FF'), make_valid_utf8(X'61FF62'), validate_utf8('a'), try_validate_utf8(X'61FF'), typeof(make_valid_utf8(X'61')), is_valid_utf8(NULL);
SELECT validate_utf8(X'61FF');
SELECT quote('Don''t'), quote(NULL), quote('a\\b'), quote('');
SELECT mask('AbCD123-@x'), mask('AbCD123-@x', 'Q'), mask('AbCD123-@x', 'Q', 'q', 'd', 'o'), mask('AbCD123-@x', NULL, NULL, NULL, NULL), mask(NULL);
SELECT mask('abc', 'XY');
SELECT mask('abc', s) FROM VALUES ('Q') t(s);
