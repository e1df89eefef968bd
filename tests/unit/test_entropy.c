#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "ceremony/base/entropy.h"

/* A "system RNG" that always gives the same bytes, so only the contribution differs. */
static void fixed_source(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0xA5, len);
}

static void draw(const char *dice, uint8_t out[64], uint8_t commit[32])
{
	struct entropy *e = entropy_new(fixed_source, NULL);

	assert_non_null(e);
	if (dice)
		assert_int_equal(entropy_contribute(e, (const uint8_t *)dice, strlen(dice)), 0);
	entropy_commit(e, commit);
	entropy_bytes(e, out, 64);
	entropy_free(e);
}

/* The dice change the output even when the system generator is stuck. */
static void test_contribution_changes_output(void **state)
{
	uint8_t a[64], b[64], c[64], ca[32], cb[32], cc[32];

	(void)state;
	draw(NULL, a, ca);
	draw("316254", b, cb);
	draw("316255", c, cc);
	assert_memory_not_equal(a, b, 64);
	assert_memory_not_equal(b, c, 64);
	assert_memory_not_equal(ca, cb, 32);
	assert_memory_not_equal(cb, cc, 32);
}

/* Same inputs, same outputs: the derivation is a function of (pool, system bytes). */
static void test_deterministic(void **state)
{
	uint8_t a[64], b[64], ca[32], cb[32];

	(void)state;
	draw("123456", a, ca);
	draw("123456", b, cb);
	assert_memory_equal(a, b, 64);
	assert_memory_equal(ca, cb, 32);
}

/* Contributions are framed: "12"+"3" is not "1"+"23". */
static void test_framing(void **state)
{
	uint8_t c1[32], c2[32];
	struct entropy *e1 = entropy_new(fixed_source, NULL), *e2 = entropy_new(fixed_source, NULL);

	(void)state;
	entropy_contribute(e1, (const uint8_t *)"12", 2);
	entropy_contribute(e1, (const uint8_t *)"3", 1);
	entropy_contribute(e2, (const uint8_t *)"1", 1);
	entropy_contribute(e2, (const uint8_t *)"23", 2);
	assert_int_equal(entropy_commit(e1, c1), 2);
	assert_int_equal(entropy_commit(e2, c2), 2);
	assert_memory_not_equal(c1, c2, 32);
	/* Sealed: no more contributions. */
	assert_int_equal(entropy_contribute(e1, (const uint8_t *)"4", 1), -1);
	entropy_free(e1);
	entropy_free(e2);
}

/* Blocks differ from each other (the counter) even with a stuck source. */
static void test_blocks_differ(void **state)
{
	uint8_t out[96];
	struct entropy *e = entropy_new(fixed_source, NULL);

	(void)state;
	entropy_bytes(e, out, sizeof(out));
	assert_memory_not_equal(out, out + 32, 32);
	assert_memory_not_equal(out + 32, out + 64, 32);
	entropy_free(e);
}

static void test_too_long(void **state)
{
	static uint8_t big[4097];
	struct entropy *e = entropy_new(NULL, NULL);

	(void)state;
	assert_int_equal(entropy_contribute(e, big, sizeof(big)), -1);
	entropy_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contribution_changes_output),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_blocks_differ),
		cmocka_unit_test(test_too_long),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
