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
SELECT k, explode(array(1)), explode(array(2, 3)) FROM VALUES ('a'), ('b') AS t(k) ORDER BY k, 3;
SELECT explode(map(1, 'a')), posexplode(array(2)) AS (p, c), explode(array(3)) AS x;
SELECT explode(array(1)), explode(array(2)) FROM VALUES (1), (2) AS t(a) GROUP BY a;
