#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shamir/gf256.h"

/* Schoolbook multiplication with branches, as a reference the masked code must agree with. */
static uint8_t slow_mul(uint8_t a, uint8_t b)
{
	unsigned int r = 0, x = a;

	while (b != 0) {
		if (b & 1)
			r ^= x;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11B;
		b >>= 1;
	}
	return (uint8_t)r;
}

/* FIPS-197 section 4.2: {57} * {83} = {c1}, {57} * {13} = {fe}. */
static void test_fips197_examples(void **state)
{
	(void)state;
	assert_int_equal(gf256_mul(0x57, 0x83), 0xC1);
	assert_int_equal(gf256_mul(0x57, 0x13), 0xFE);
	assert_int_equal(gf256_add(0x57, 0x83), 0xD4);
}

static void test_mul_exhaustive(void **state)
{
	(void)state;
	for (unsigned int a = 0; a < 256; a++)
		for (unsigned int b = 0; b < 256; b++) {
			uint8_t r = gf256_mul((uint8_t)a, (uint8_t)b);

			assert_int_equal(r, slow_mul((uint8_t)a, (uint8_t)b));
			assert_int_equal(r, gf256_mul((uint8_t)b, (uint8_t)a));
		}
}

static void test_inverse(void **state)
{
	(void)state;
	assert_int_equal(gf256_inv(0), 0);
	assert_int_equal(gf256_inv(1), 1);
	/* The AES S-box is built on this inverse: {53}^-1 = {ca}. */
	assert_int_equal(gf256_inv(0x53), 0xCA);
	for (unsigned int a = 1; a < 256; a++) {
		uint8_t i = gf256_inv((uint8_t)a);

		assert_int_equal(gf256_mul((uint8_t)a, i), 1);
		assert_int_equal(gf256_inv(i), a);
	}
}

/* Distributivity over a sample, which the exhaustive check above implies but states plainly. */
static void test_distributive(void **state)
{
	(void)state;
	for (unsigned int a = 0; a < 256; a += 7)
		for (unsigned int b = 0; b < 256; b += 5)
			for (unsigned int c = 0; c < 256; c += 11)
				assert_int_equal(
					gf256_mul((uint8_t)a, gf256_add((uint8_t)b, (uint8_t)c)),
					gf256_add(gf256_mul((uint8_t)a, (uint8_t)b),
						  gf256_mul((uint8_t)a, (uint8_t)c)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips197_examples),
		cmocka_unit_test(test_mul_exhaustive),
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_distributive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
