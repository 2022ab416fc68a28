-- sentences (Java's BreakIterator rules, approximated) and collation
SELECT sentences('Hi there! Good morning.'), sentences('Hi there! Good morning.', 'en', 'US'), sentences(NULL), sentences('a b, c? d''e f-g 123'), sentences('');
SELECT sentences('Hello.World  is. e.g. fine. 1,000 and 3.14 mr. Smith'), sentences('Wait... what?!  Yes'), sentences('a b. c');
SELECT s, sentences(s) FROM VALUES ('One. Two'), ('x'), (NULL) AS t(s) ORDER BY s;
SELECT collation('a'), collation(NULL), collation(upper('x'));
SELECT collation(1);
