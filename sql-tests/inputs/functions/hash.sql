-- hash and xxhash64: Spark's Murmur3 and XXH64 with seed 42, per type
SELECT hash(1), hash('a'), hash(1L), hash(1.5D), hash(1.5F), hash(-0.0D), hash(0.0D), hash(true), hash(1Y), hash(2S);
SELECT hash(DATE'2020-01-01'), hash(TIMESTAMP'2020-01-01 00:00:00'), hash(1.23BD), hash(12345678901234567890.123BD), hash(X'0102');
SELECT hash('abcdefghijklmnopqrstuvwxyz0123456789'), hash(''), hash('héllo wörld'), hash(NULL), hash(1, NULL, 'a');
SELECT hash(array(1, 2)), hash(named_struct('a', 1, 'b', 'x')), hash(array('a', NULL)), hash('Spark', array(123), 2);
SELECT xxhash64(1), xxhash64('a'), xxhash64(1L), xxhash64(1.5D), xxhash64(1.5F), xxhash64(-0.0D), xxhash64(true);
SELECT xxhash64(DATE'2020-01-01'), xxhash64(TIMESTAMP'2020-01-01 00:00:00'), xxhash64(1.23BD), xxhash64(12345678901234567890.123BD);
SELECT xxhash64('abcdefghijklmnopqrstuvwxyz0123456789'), xxhash64(repeat('spark', 20)), xxhash64(NULL), xxhash64(X'0102');
SELECT xxhash64(array(1, 2)), xxhash64(named_struct('a', 1, 'b', 'x')), xxhash64('Spark', array(123), 2);
SELECT id, hash(id), xxhash64(id), hash(CAST(id AS STRING)) FROM range(5) ORDER BY id;
SELECT hash(double('NaN')), xxhash64(float('NaN'));
SELECT hash();
SELECT hash(map(1, 2));
