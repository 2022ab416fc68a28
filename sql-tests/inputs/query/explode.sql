-- split + explode: the word count.
CREATE OR REPLACE TEMPORARY VIEW lines AS SELECT * FROM VALUES ('a b a'), ('c a'), (''), (NULL) AS lines(line);
SELECT explode(split(line, ' ')) AS word FROM lines;
SELECT word, count(*) AS n FROM (SELECT explode(split(line, ' ')) AS word FROM lines) GROUP BY word ORDER BY n DESC, word;
SELECT line, explode(split(line, ' ')) FROM lines WHERE line = 'c a';
SELECT explode(array(1, 2, 3));
SELECT explode_outer(split(line, ' ')) AS w FROM lines;
SELECT posexplode(array('x', 'y'));
SELECT explode(1);
SELECT explode(array(1)), explode(array(2));
