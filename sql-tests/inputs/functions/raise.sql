-- raise_error and assert_true: USER_RAISED_EXCEPTION for a row that raises, else NULL of type void
SELECT raise_error('boom');
SELECT assert_true(1 < 2), typeof(assert_true(true));
SELECT assert_true(1 > 2);
SELECT assert_true(false, 'custom msg');
SELECT assert_true(NULL);
SELECT typeof(raise_error('x'));
SELECT raise_error('never') FROM range(0);
SELECT id, assert_true(id < 10) FROM range(3) ORDER BY id;
SELECT id FROM range(5) WHERE id = 3 OR assert_true(id < 3, concat('bad id ', id)) IS NULL ORDER BY id;
SELECT CASE WHEN id > 1 THEN raise_error(concat('id ', id)) ELSE id END FROM range(3);
SELECT raise_error('VIEW_NOT_FOUND', map('relationName', '`V1`'));
