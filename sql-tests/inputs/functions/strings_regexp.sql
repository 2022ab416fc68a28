-- regexp_count, regexp_extract_all, regexp_substr, regexp_instr
SELECT regexp_count('Steven Jones and Stephen Smith are the best players', 'Ste(v|ph)en'), regexp_extract_all('100-200, 300-400', '(\\d+)-(\\d+)', 1), regexp_extract_all('100-200, 300-400', '(\\d+)-(\\d+)');
SELECT regexp_extract_all('100-200, 300-400', '(\\d+)-(\\d+)', 2), regexp_extract_all('100-200, 300-400', '(\\d+)-(\\d+)', 0), regexp_extract_all('abc', 'x(y)?'), regexp_extract_all(NULL, 'a');
SELECT regexp_substr('Steven Jones and Stephen Smith are the best players', 'Ste(v|ph)en'), regexp_substr('abc', 'x'), regexp_substr('abc', ''), regexp_substr(NULL, 'a');
SELECT regexp_instr('Steven Jones and Stephen Smith', 'Ste(v|ph)en'), regexp_instr('abc', 'x'), regexp_instr('abcbc', 'b(c)', 1), regexp_instr('héllo', 'l+');
SELECT regexp_count(NULL, 'a'), regexp_count('', ''), regexp_count('abc', ''), regexp_count('aaa', 'a'), regexp_count('héhé', 'é');
SELECT s, regexp_count(s, '[0-9]'), regexp_extract_all(s, '([a-z]+)'), regexp_instr(s, '[0-9]') FROM VALUES ('a1b22'), ('zz'), (NULL) AS t(s) ORDER BY s;
SELECT regexp_extract_all('a', '(a)', 2);
SELECT regexp_count('a', '(');
SELECT regexp_extract_all('abc', '');
