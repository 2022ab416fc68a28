-- the scalar bitmap helpers and the vector functions on array<float>
SELECT bitmap_bit_position(1), bitmap_bit_position(123), bitmap_bit_position(32768), bitmap_bit_position(32769), bitmap_bit_position(0), bitmap_bit_position(-1), bitmap_bit_position(-32768), bitmap_bit_position(-32769);
SELECT bitmap_bucket_number(1), bitmap_bucket_number(123), bitmap_bucket_number(32768), bitmap_bucket_number(32769), bitmap_bucket_number(0), bitmap_bucket_number(-1), bitmap_bucket_number(-32769), bitmap_bucket_number(NULL);
SELECT bitmap_count(X'1010'), bitmap_count(X'FFFF'), bitmap_count(X''), typeof(bitmap_bit_position(1)), typeof(bitmap_bucket_number(1)), typeof(bitmap_count(X'00'));
SELECT bitmap_count('a');
SELECT vector_cosine_similarity(array(1.0F, 2.0F), array(2.0F, 4.0F)), vector_inner_product(array(1.0F, 2.0F), array(3.0F, 4.0F)), vector_l2_distance(array(1.0F, 2.0F), array(4.0F, 6.0F)), vector_norm(array(3.0F, 4.0F), 2.0F), vector_normalize(array(3.0F, 4.0F), 2.0F), typeof(vector_norm(array(3.0F, 4.0F), 2.0F));
SELECT vector_norm(array(3.0F, 4.0F)), vector_normalize(array(3.0F, 4.0F)), vector_norm(array(3.0F, -4.0F), 1.0F), vector_norm(array(3.0F, -4.0F), float('inf')), vector_cosine_similarity(array(0.0F), array(1.0F));
SELECT vector_norm(CAST(NULL AS ARRAY<FLOAT>)), vector_normalize(array(1.0F, -1.0F), 1.0F), vector_l2_distance(array(CAST(NULL AS FLOAT)), array(1.0F));
SELECT vector_inner_product(array(1.0F), array(1.0F, 2.0F));
SELECT vector_inner_product(array(1.0D), array(1.0D));
SELECT vector_norm(array(1.0F), 3.0F);
SELECT vector_inner_product(NULL, array(1.0F));
SELECT bitmap_count(NULL);
