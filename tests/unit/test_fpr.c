#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* What people type and scripts carry: the printed grouped form or the digits together, either
 * case; anything else (a missing or extra space, a short group, a stray character) is refused. */
static void test_parse_hex(void **state)
{
	const unsigned char d[5] = { 0x3F, 0x2A, 0x9C, 0x01, 0xB0 };
	static const char *const good[] = { "3F2A 9C01 B0", "3f2a 9c01 b0", "3F2A9C01B0",
					     "3f2A9c01B0" };
	static const char *const bad[] = { "3F2A  9C01 B0", "3F2A 9C01B0", " 3F2A 9C01 B0",
					   "3F2A 9C01 B0 ", "3F2 A9C01 B0", "3F2A 9C01 BG",
					   "3F2A9C01B", "3F2A 9C01 B0B0", "" };
	unsigned char out[5];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(fpr_parse_hex(good[i], strlen(good[i]), out, sizeof(out)), 0);
		assert_memory_equal(out, d, sizeof(d));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fpr_parse_hex(bad[i], strlen(bad[i]), out, sizeof(out)), -1);
}

/* Round trip of a whole digest through the printed form. */
static void test_parse_hex_32(void **state)
{
	unsigned char d[32], back[32];
	char hex[FPR_HEX_32];

	(void)state;
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (unsigned char)(i * 37 + 11);
	assert_int_equal(fpr_hex(d, sizeof(d), hex, sizeof(hex)), 0);
	assert_int_equal(strlen(hex), 79);
	assert_int_equal(fpr_parse_hex(hex, strlen(hex), back, sizeof(back)), 0);
	assert_memory_equal(d, back, sizeof(d));
}

/* The paper copy read back: every form the screen shows, and nothing that only looks like it. */
static void test_parse(void **state)
{
	/* docs/transcript.md section 11's transcript key, as the report shows it. */
	static const char hex[] = "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";
	unsigned char want[32], got[32];
	char grouped[FPR_HEX_32], words[FPR_WORDS_32], bad[FPR_WORDS_32];
	char *sp;

	(void)state;
	for (size_t i = 0; i < 32; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		want[i] = (unsigned char)v;
	}
	assert_int_equal(fpr_hex(want, 32, grouped, sizeof(grouped)), 0);
	assert_int_equal(fpr_words(want, 32, words, sizeof(words)), 0);
	assert_int_equal(fpr_parse32(hex, strlen(hex), got), 0);
	assert_memory_equal(got, want, 32);
	assert_int_equal(fpr_parse32(grouped, strlen(grouped), got), 0); /* upper case, spaced */
	assert_memory_equal(got, want, 32);
	assert_int_equal(fpr_parse32(words, strlen(words), got), 0);
	assert_memory_equal(got, want, 32);
	words[0] = (char)(words[0] - 'a' + 'A'); /* either case */
	assert_int_equal(fpr_parse32(words, strlen(words), got), 0);
	assert_memory_equal(got, want, 32);
	/* One digit short, one too many, a stray character: refused. */
	assert_int_equal(fpr_parse32(hex, 63, got), -1);
	snprintf(bad, sizeof(bad), "%s0", hex);
	assert_int_equal(fpr_parse32(bad, strlen(bad), got), -1);
	snprintf(bad, sizeof(bad), "%s", hex);
	bad[10] = ':';
	assert_int_equal(fpr_parse32(bad, strlen(bad), got), -1);
	/* The first two words swapped: each is from the other position's table, so refused. */
	sp = strchr(words, ' ');
	snprintf(bad, sizeof(bad), "%s %.*s%s", fpr_word(want[1], 1), (int)(sp - words), words,
		 strchr(sp + 1, ' '));
	assert_int_equal(fpr_parse32(bad, strlen(bad), got), -1);
	/* A word dropped: 31 words. */
	assert_int_equal(fpr_parse32(sp + 1, strlen(sp + 1), got), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_parity), cmocka_unit_test(test_words_known),
		cmocka_unit_test(test_words_too_small), cmocka_unit_test(test_words_fit_32),
		cmocka_unit_test(test_hex), cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_parse_hex_32), cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
