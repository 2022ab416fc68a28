-- rand, randn, random, uniform, randstr with Spark's XORShiftRandom seeded per partition; uuid; task functions
SELECT rand(42), randn(42), random(42), rand(NULL), randn(0), rand(0L);
SELECT uniform(10, 20, 0), uniform(5.5, 10.5, 42), uniform(10, 20) > 0, randstr(3, 0), randstr(10, 42), length(randstr(5));
SELECT typeof(uniform(1, 2.5D, 3)), uniform(10L, 20, 1), uniform(-10, 10, 7), uniform(1, 2.5D, 3);
SELECT id, rand(42), randn(7), uniform(0, 100, 3), randstr(4, 1), monotonically_increasing_id(), spark_partition_id() FROM range(0, 5);
SELECT id, rand(1) FROM range(0, 10, 1, 3);
SELECT rand(42) = rand(42), rand() >= 0, rand() < 1, randn() IS NOT NULL;
SELECT input_file_name(), input_file_block_start(), input_file_block_length(), typeof(uuid()), length(uuid()), uuid() = uuid();
SELECT count(DISTINCT u) FROM (SELECT uuid() AS u FROM range(100));
SELECT rand('a');
SELECT randstr(-1, 0);
