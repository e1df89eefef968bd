/* Answers files: the format's rules one by one, and the example rehearsal file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/people/answers.h"

static struct answers *parse_ok(const char *text)
{
	struct answers *a = NULL;
	struct answers_error err;

	if (answers_parse((const unsigned char *)text, strlen(text), &a, &err) != ANSWERS_OK)
		fail_msg("line %u: %s", err.line, err.message);
	return a;
}

static void parse_bad(const char *text, size_t len, enum answers_err code, unsigned line,
		      const char *message)
{
	struct answers *a = (struct answers *)1;
	struct answers_error err;

	assert_int_equal(answers_parse((const unsigned char *)text, len, &a, &err), code);
	assert_null(a);
	assert_int_equal(err.code, code);
	if (err.line != line)
		fail_msg("line %u, expected %u: %s", err.line, line, err.message);
	if (strstr(err.message, message) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, message);
}

#define BAD(text, code, line, msg) parse_bad(text, sizeof(text) - 1, code, line, msg)

static void test_valid(void **state)
{
	struct answers *a = parse_ok("# a comment\n"
				     "version = 1\n"
				     "\n"
				     "ceremony = smki-keygen-2025\n"
				     "go.clock = yes\n"
				     "share.root.1.passphrase = two  spaces = and # no comment\n"
				     "share.root.1.words = @shown\n"
				     "entropy.carol.dice =\n"
				     "share.root.1.bag = @@literal at\n"
				     "#not.an.entry = x\n"
				     "close.walter = yes");
	const char *v;
	size_t len, pos = 0;
	bool shown;

	(void)state;
	assert_string_equal(answers_ceremony(a), "smki-keygen-2025");
	assert_int_equal(answers_count(a), 6);
	assert_true(answers_get(a, "share.root.1.passphrase", &v, &len, &shown));
	assert_string_equal(v, "two  spaces = and # no comment");
	assert_int_equal(len, strlen(v));
	assert_false(shown);
	assert_true(answers_get(a, "share.root.1.words", &v, &len, &shown));
	assert_true(shown);
	assert_string_equal(v, "");
	assert_true(answers_get(a, "entropy.carol.dice", &v, &len, &shown));
	assert_int_equal(len, 0);
	assert_false(shown);
	assert_true(answers_get(a, "share.root.1.bag", &v, &len, &shown));
	assert_string_equal(v, "@literal at");
	assert_false(answers_get(a, "not.an.entry", &v, &len, &shown));
	/* Unused, in file order; version and ceremony never count. */
	assert_string_equal(answers_next_unused(a, &pos), "go.clock");
	assert_string_equal(answers_next_unused(a, &pos), "close.walter");
	assert_null(answers_next_unused(a, &pos));
	answers_free(a);
	answers_free(NULL);
}

static void test_version(void **state)
{
	(void)state;
	BAD("", ANSWERS_E_VERSION, 1, "version = 1");
	BAD("# only a comment\n", ANSWERS_E_VERSION, 1, "version = 1");
	BAD("go.clock = yes\nversion = 1\n", ANSWERS_E_VERSION, 1, "first entry");
	BAD("version = 2\n", ANSWERS_E_VERSION, 1, "not supported");
	BAD("version = 1\nversion = 1\n", ANSWERS_E_DUPLICATE, 2, "twice");
}

static void test_syntax(void **state)
{
	(void)state;
	BAD("version = 1\ngo.clock=yes\n", ANSWERS_E_SYNTAX, 2, "prompt.id = value");
	BAD("version = 1\ngo.clock =yes\n", ANSWERS_E_SYNTAX, 2, "prompt.id = value");
	BAD("version = 1\n go.clock = yes\n", ANSWERS_E_SYNTAX, 2, "prompt.id = value");
	BAD("version = 1\n = yes\n", ANSWERS_E_SYNTAX, 2, "prompt.id = value");
	BAD("version = 1\njust words\n", ANSWERS_E_SYNTAX, 2, "prompt.id = value");
	BAD("version = 1\nGo.Clock = yes\n", ANSWERS_E_ID, 2, "malformed prompt id");
	BAD("version = 1\nclock = yes\n", ANSWERS_E_ID, 2, "malformed prompt id");
	BAD("version = 1\ngo..clock = yes\n", ANSWERS_E_ID, 2, "malformed prompt id");
	BAD("version = 1\ngo.clock. = yes\n", ANSWERS_E_ID, 2, "malformed prompt id");
	BAD("version = 1\na.b.c.d.e.f.g.h.i = yes\n", ANSWERS_E_ID, 2, "malformed prompt id");
	BAD("version = 1\ngo.clock = yes \n", ANSWERS_E_VALUE, 2, "the line ends with a space");
	BAD("version = 1\nentropy.a.dice = \n", ANSWERS_E_VALUE, 2, "ends with a space");
	BAD("version = 1\ngo.clock =  yes\n", ANSWERS_E_VALUE, 2, "starts or ends with a space");
	BAD("version = 1\ngo.clock = @guess\n", ANSWERS_E_VALUE, 2, "unknown directive");
	BAD("version = 1\ngo.clock = yes\ngo.clock = no\n", ANSWERS_E_DUPLICATE, 3,
	    "'go.clock' is answered twice (first on line 2)");
	BAD("version = 1\nceremony = Not An Id\n", ANSWERS_E_VALUE, 2, "script id");
	BAD("version = 1\ngo.clock = yes\tno\n", ANSWERS_E_TEXT, 2, "tab");
	BAD("version = 1\r\ngo.clock = yes\n", ANSWERS_E_TEXT, 1, "carriage return");
	BAD("version = 1\ngo.clock = \xff\n", ANSWERS_E_TEXT, 2, "not printable UTF-8");
	BAD("version = 1\ngo.clock = a\xe2\x80\xae"
	    "b\n",
	    ANSWERS_E_TEXT, 2, "not printable");
	BAD("version = 1\ngo.clock = a\0b\n", ANSWERS_E_TEXT, 2, "not printable");
}

static void test_limits(void **state)
{
	char line[ANSWERS_VALUE_MAX + 64], *big;
	struct answers *a;
	struct answers_error err;
	size_t n;

	(void)state;
	assert_true(answers_valid_id("go.clock"));
	assert_true(answers_valid_id("share.contingency-symmetric.16.passphrase-repeat"));
	assert_true(answers_valid_id("a.b.c.d.e.f.g.h"));
	assert_false(answers_valid_id("a.b.c.d.e.f.g.h.i"));
	assert_false(answers_valid_id("go"));
	assert_false(answers_valid_id(""));
	assert_false(answers_valid_id(".go.clock"));
	assert_false(answers_valid_id("go_clock.x"));
	assert_false(answers_valid_id("a.123456789012345678901234567890123"));
	assert_true(answers_valid_id("a.12345678901234567890123456789012"));

	/* A value of exactly ANSWERS_VALUE_MAX bytes, then one more. */
	n = (size_t)snprintf(line, sizeof(line), "version = 1\nx.y = ");
	memset(line + n, 'v', ANSWERS_VALUE_MAX);
	line[n + ANSWERS_VALUE_MAX] = '\0';
	a = parse_ok(line);
	answers_free(a);
	line[n + ANSWERS_VALUE_MAX] = 'v';
	parse_bad(line, n + ANSWERS_VALUE_MAX + 1, ANSWERS_E_VALUE, 2, "longer than");

	big = malloc(ANSWERS_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, '#', ANSWERS_MAX_BYTES + 1);
	assert_int_equal(answers_parse((unsigned char *)big, ANSWERS_MAX_BYTES + 1, &a, &err),
			 ANSWERS_E_TOO_BIG);
	free(big);
	assert_int_equal(answers_load("tests/no/such.answers", &a, &err), ANSWERS_E_IO);
	assert_null(a);
	assert_int_equal(answers_load("tests", &a, &err), ANSWERS_E_IO);
	assert_string_equal(answers_strerror(ANSWERS_E_DUPLICATE), "prompt answered twice");
}

/* Error messages carry ids and line numbers, never a value. */
static void test_no_value_in_errors(void **state)
{
	static const char *const texts[] = {
	    "version = 1\nshare.root.1.passphrase = hunter2 \n",
	    "version = 1\nshare.root.1.passphrase = @hunter2\n",
	    "version = 1\nshare.root.1.passphrase = hunter2\nshare.root.1.passphrase = hunter2\n",
	    "version = 1\nshare.root.1.passphrase=hunter2\n",
	    "version = 1\nSHARE.root = hunter2\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct answers *a;
		struct answers_error err;

		assert_int_not_equal(
		    answers_parse((const unsigned char *)texts[i], strlen(texts[i]), &a, &err),
		    ANSWERS_OK);
		assert_null(strstr(err.message, "hunter2"));
	}
}

static void test_example(void **state)
{
	struct answers *a = NULL;
	struct answers_error err;
	const char *v;
	size_t len;
	bool shown;

	(void)state;
	if (answers_load("scripts/smki-keygen.answers", &a, &err) != ANSWERS_OK)
		fail_msg("%u: %s", err.line, err.message);
	assert_string_equal(answers_ceremony(a), "smki-keygen-2025");
	assert_int_equal(answers_count(a), 103);
	assert_true(answers_get(a, "share.contingency-symmetric.2.words", &v, &len, &shown));
	assert_true(shown);
	assert_true(answers_get(a, "share.root.3.passphrase", &v, &len, &shown));
	assert_string_equal(v, "erin rehearsal passphrase for root share 3");
	assert_true(answers_get(a, "test.root.3.passphrase", &v, &len, &shown));
	assert_string_equal(v, "erin rehearsal passphrase for root share 3");
	assert_true(answers_get(a, "entropy.heidi.dice", &v, &len, &shown));
	assert_int_equal(strspn(v, "123456"), len);
	answers_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_syntax),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_no_value_in_errors),
	    cmocka_unit_test(test_example),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
