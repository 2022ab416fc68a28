-- url_encode, url_decode, parse_url and their try_ forms
SELECT url_encode('https://spark.apache.org/a b?x=1&y=ä~*'), url_encode(NULL), url_encode('');
SELECT url_decode('https%3A%2F%2Fspark.apache.org+x%7e'), url_decode('%C3%A4'), try_url_decode('%zz'), try_url_decode('a%20b');
SELECT url_decode('%zz');
SELECT url_decode('%4');
SELECT parse_url('http://spark.apache.org/path?query=1#Ref', 'HOST'), parse_url('http://spark.apache.org/path?query=1', 'QUERY'), parse_url('http://spark.apache.org/path?query=1', 'QUERY', 'query');
SELECT parse_url('http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag', 'PROTOCOL'), parse_url('http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag', 'FILE'), parse_url('http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag', 'AUTHORITY');
SELECT parse_url('http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag', 'USERINFO'), parse_url('http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag', 'REF'), parse_url('http://user:pw@spark.apache.org:8080/path/p2?query=1&b=2#frag', 'PATH');
SELECT parse_url('http://a.com/p', 'bogus'), parse_url('http://a.com/p?x=1', 'QUERY', 'y'), parse_url('http://a.com', 'QUERY'), parse_url('http://a.com', 'PATH'), parse_url('http://a.com/p?a=1&a=2', 'QUERY', 'a');
SELECT parse_url('/rel/path?x=1', 'HOST'), parse_url('/rel/path?x=1', 'PATH'), parse_url(NULL, 'HOST'), parse_url('http://a.com', NULL);
SELECT parse_url('inva lid://a', 'HOST');
SELECT try_parse_url('inva lid://a', 'HOST'), try_parse_url('http://a.com/x', 'PATH');
SELECT u, parse_url(u, 'HOST'), url_encode(u) FROM VALUES ('http://x.org/a'), ('https://y.com:1/b?c=d'), (NULL) AS t(u) ORDER BY u;
SELECT parse_url('http://a.com');
