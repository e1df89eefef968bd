#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ceremony/base/fpr.h"

/* The known table ends and the parity rule: 0x00 and 0xFF from each table. */
static void test_words_parity(void **state)
{
	const unsigned char d[4] = { 0x00, 0x00, 0xFF, 0xFF };
	char out[128];

	(void)state;
	assert_int_equal(fpr_words(d, sizeof(d), out, sizeof(out)), 0);
	assert_string_equal(out, "aardvark adroitness zulu yucatan");
}

/* A published example of the list: E582 -> "topmost Istanbul". */
static void test_words_known(void **state)
{
	const unsigned char d[2] = { 0xE5, 0x82 };
	char out[64];

	(void)state;
	assert_int_equal(fpr_words(d, sizeof(d), out, sizeof(out)), 0);
	assert_string_equal(out, "topmost istanbul");
}

static void test_words_too_small(void **state)
{
	const unsigned char d[2] = { 0x00, 0x00 };
	char out[12];

	(void)state;
	assert_int_equal(fpr_words(d, sizeof(d), out, sizeof(out)), -1);
}

static void test_words_fit_32(void **state)
{
	unsigned char d[32];
	char out[FPR_WORDS_32];

	(void)state;
	/* The longest words: 0x14 odd "belowground", 0x1f odd "businessman". */
	memset(d, 0x14, sizeof(d));
	assert_int_equal(fpr_words(d, sizeof(d), out, sizeof(out)), 0);
}

static void test_hex(void **state)
{
	const unsigned char d[5] = { 0x3F, 0x2A, 0x9C, 0x01, 0xB0 };
	char out[FPR_HEX_32];

	(void)state;
	assert_int_equal(fpr_hex(d, sizeof(d), out, sizeof(out)), 0);
	assert_string_equal(out, "3F2A 9C01 B0");
	assert_int_equal(fpr_hex(d, sizeof(d), out, 5), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_parity), cmocka_unit_test(test_words_known),
		cmocka_unit_test(test_words_too_small), cmocka_unit_test(test_words_fit_32),
		cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
