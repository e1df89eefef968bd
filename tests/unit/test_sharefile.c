/* The share file: round trip, the known-answer file (tests/vectors/sharefile/, decrypted
 * independently by tests/cli/sharefile.sh), wrong passphrase, every header byte flipped,
 * truncation and extension, weak and costly Argon2id parameters, and what seal refuses.
 * Argon2id runs at sharefile_kdf_floor to keep the suite fast.
 *
 * With CEREMONY_FIXTURE_OUT=FILE the known-answer file is written to FILE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/valgrind.h>

#include "shamir/sharefile.h"

/* The first SLIP-39 test vector's share (public test data). */
static const char MNEMONIC[] = "duckling enlarge academic academic agency result length "
			       "solution fridge kidney coal piece deal husband erode duke ajar "
			       "critical decision keyboard";
static const char PASSPHRASE[] = "correct horse battery staple";

/* Secrets live in sodium_malloc memory, as the header asks. */
static char *secret(const char *s)
{
	size_t n = strlen(s);
	char *p = sodium_malloc(n + 1);

	assert_non_null(p);
	memcpy(p, s, n + 1);
	return p;
}

/* Salt and nonce as printable letters, so that the argon2 command line tool can take the salt
 * in the independent check. */
static void letters(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)('A' + i % 26);
}

static void sample_meta(struct sharefile_meta *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->ceremony_id, sizeof(m->ceremony_id), "smki-keygen-rehearsal");
	snprintf(m->key_name, sizeof(m->key_name), "root");
	m->identifier = 7945;
	m->group_index = 0;
	m->group_threshold = 1;
	m->group_count = 1;
	m->member_index = 2;
	m->member_threshold = 3;
	m->rehearsal = 1;
	m->created = 1714554000;
	for (int i = 0; i < 32; i++)
		m->key_fpr[i] = (unsigned char)(0xA0 + i);
}

static unsigned char *seal_sample(size_t *len, sharefile_random_fn rnd)
{
	struct sharefile_meta m;
	char *mn = secret(MNEMONIC), *pw = secret(PASSPHRASE);
	unsigned char *file = NULL;

	sample_meta(&m);
	assert_int_equal(sharefile_seal(&m, &sharefile_kdf_floor, mn, strlen(mn), pw, strlen(pw),
					rnd, NULL, &file, len),
			 SHAREFILE_OK);
	sodium_free(mn);
	sodium_free(pw);
	return file;
}

static enum sharefile_err try_open(const unsigned char *file, size_t len, const char *pass)
{
	char *pw = secret(pass), *out = NULL;
	size_t n = 0;
	enum sharefile_err e = sharefile_open(file, len, pw, strlen(pw), NULL, &out, &n);

	if (e == SHAREFILE_OK) {
		assert_int_equal(n, strlen(MNEMONIC));
		assert_memory_equal(out, MNEMONIC, n);
		sodium_memzero(out, n);
		sodium_free(out);
	} else {
		assert_null(out);
	}
	sodium_free(pw);
	return e;
}

static void test_round_trip(void **state)
{
	struct sharefile_meta want, got, opened;
	unsigned char *file;
	char *pw = secret(PASSPHRASE), *out = NULL;
	size_t len = 0, n = 0;

	(void)state;
	sample_meta(&want);
	file = seal_sample(&len, NULL);
	/* Header, padded text (20 words fit one 256-byte block), tag. */
	assert_int_equal(len, 107 + 1 + 21 + 1 + 4 + 2 + 256 + 16);
	assert_int_equal(sharefile_peek(file, len, &got), SHAREFILE_OK);
	assert_string_equal(got.ceremony_id, want.ceremony_id);
	assert_string_equal(got.key_name, want.key_name);
	assert_int_equal(got.identifier, want.identifier);
	assert_int_equal(got.group_index, want.group_index);
	assert_int_equal(got.group_threshold, want.group_threshold);
	assert_int_equal(got.group_count, want.group_count);
	assert_int_equal(got.member_index, want.member_index);
	assert_int_equal(got.member_threshold, want.member_threshold);
	assert_int_equal(got.rehearsal, 1);
	assert_int_equal(got.created, want.created);
	assert_memory_equal(got.key_fpr, want.key_fpr, 32);
	assert_int_equal(got.kdf.opslimit, sharefile_kdf_floor.opslimit);
	assert_int_equal(got.kdf.memlimit_kib, sharefile_kdf_floor.memlimit_kib);
	assert_int_equal(sharefile_open(file, len, pw, strlen(pw), &opened, &out, &n),
			 SHAREFILE_OK);
	assert_string_equal(out, MNEMONIC);
	assert_int_equal(n, strlen(MNEMONIC));
	assert_memory_equal(&opened, &got, sizeof(got));
	sodium_memzero(out, n);
	sodium_free(out);
	/* A fresh salt and nonce every time. */
	{
		size_t len2 = 0;
		unsigned char *again = seal_sample(&len2, NULL);

		assert_int_equal(len2, len);
		assert_memory_not_equal(again + 20, file + 20, 40);
		free(again);
	}
	sodium_free(pw);
	free(file);
}

/* The documented layout, byte by byte, for the fields an outside reader relies on. */
static void test_layout(void **state)
{
	static const unsigned char magic[8] = { 0x89, 'C', 'S', 'H', 'R', '\r', '\n', 0x1A };
	size_t len = 0;
	unsigned char *file = seal_sample(&len, letters);

	(void)state;
	assert_memory_equal(file, magic, 8);
	assert_int_equal(file[8], 1);  /* version */
	assert_int_equal(file[9], 1);  /* flags: rehearsal */
	assert_int_equal(file[10], 1); /* Argon2id */
	assert_int_equal(file[11], 1); /* XChaCha20-Poly1305 */
	assert_int_equal(file[12] << 24 | file[13] << 16 | file[14] << 8 | file[15], 2);
	assert_int_equal(file[16] << 24 | file[17] << 16 | file[18] << 8 | file[19], 19456);
	assert_int_equal(file[20], 'A');			   /* salt */
	assert_int_equal(file[36], 'Q');			   /* nonce, after the salt */
	assert_int_equal(file[64] << 24 | file[65] << 16 | file[66] << 8 | file[67], 1714554000);
	assert_int_equal(file[68] << 8 | file[69], 7945);
	assert_memory_equal(file + 70, "\x00\x01\x01\x02\x03", 5);
	assert_int_equal(file[75], 0xA0);
	assert_int_equal(file[107], 21);
	assert_memory_equal(file + 108, "smki-keygen-rehearsal", 21);
	assert_int_equal(file[129], 4);
	assert_memory_equal(file + 130, "root", 4);
	assert_int_equal(file[134] << 8 | file[135], 256 + 16);
	free(file);
}

/* The committed known-answer file: seal with fixed salt and nonce reproduces it byte for
 * byte, and it opens. */
static void test_known_answer(void **state)
{
	const char *base = getenv("CEREMONY_TESTDATA"), *out = getenv("CEREMONY_FIXTURE_OUT");
	char path[512];
	size_t len = 0, want_len = 0;
	unsigned char *file = seal_sample(&len, letters), *want = malloc(SHAREFILE_MAX + 1);
	FILE *f;

	(void)state;
	assert_non_null(want);
	if (out != NULL && *out != '\0') {
		f = fopen(out, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(file, 1, len, f), len);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/vectors/sharefile/v1-rehearsal.cshare",
		 base ? base : "tests");
	f = fopen(path, "rb");
	assert_non_null(f);
	want_len = fread(want, 1, SHAREFILE_MAX + 1, f);
	fclose(f);
	assert_int_equal(want_len, len);
	assert_memory_equal(want, file, len);
	assert_int_equal(try_open(want, want_len, PASSPHRASE), SHAREFILE_OK);
	free(want);
	free(file);
}

static void test_wrong_passphrase(void **state)
{
	size_t len = 0;
	unsigned char *file = seal_sample(&len, NULL);

	(void)state;
	assert_int_equal(try_open(file, len, "correct horse battery stapler"), SHAREFILE_E_DECRYPT);
	assert_int_equal(try_open(file, len, "Correct horse battery staple"), SHAREFILE_E_DECRYPT);
	assert_int_equal(try_open(file, len, "x"), SHAREFILE_E_DECRYPT);
	assert_int_equal(try_open(file, len, ""), SHAREFILE_E_PASSPHRASE);
	assert_int_equal(try_open(file, len, PASSPHRASE), SHAREFILE_OK);
	free(file);
}

/* Every header byte, and a sample of the ciphertext and tag: a flipped bit never opens.
 * Under valgrind, where each Argon2id takes seconds, every fourth header byte. */
static void test_every_header_byte(void **state)
{
	size_t len = 0, hlen = 136, step = RUNNING_ON_VALGRIND ? 4 : 1;
	unsigned char *file = seal_sample(&len, NULL);

	(void)state;
	for (size_t i = 0; i < len; i += i < hlen ? step : 17) {
		struct sharefile_meta m;
		enum sharefile_err peek, e;

		file[i] ^= 0x01;
		peek = sharefile_peek(file, len, &m);
		e = try_open(file, len, PASSPHRASE);
		file[i] ^= 0x01;
		if (e == SHAREFILE_OK)
			fail_msg("byte %zu flipped: the file still opens", i);
		/* What peek accepts only the tag can catch. */
		if (peek == SHAREFILE_OK && e != SHAREFILE_E_DECRYPT)
			fail_msg("byte %zu: %s", i, sharefile_strerror(e));
	}
	/* The very last byte (the tag's). */
	file[len - 1] ^= 0x80;
	assert_int_equal(try_open(file, len, PASSPHRASE), SHAREFILE_E_DECRYPT);
	file[len - 1] ^= 0x80;
	assert_int_equal(try_open(file, len, PASSPHRASE), SHAREFILE_OK);
	free(file);
}

static void test_truncated_extended(void **state)
{
	struct sharefile_meta m;
	size_t len = 0;
	unsigned char *file = seal_sample(&len, NULL), *longer = malloc(len + 1);

	(void)state;
	for (size_t n = 0; n < len; n++) {
		enum sharefile_err e = sharefile_peek(file, n, &m);

		if (e != SHAREFILE_E_TRUNCATED)
			fail_msg("%zu of %zu bytes: %s", n, len, sharefile_strerror(e));
		assert_int_equal(try_open(file, n, PASSPHRASE), SHAREFILE_E_TRUNCATED);
	}
	assert_non_null(longer);
	memcpy(longer, file, len);
	longer[len] = 0;
	assert_int_equal(sharefile_peek(longer, len + 1, &m), SHAREFILE_E_TRAILING);
	assert_int_equal(try_open(longer, len + 1, PASSPHRASE), SHAREFILE_E_TRAILING);
	/* Not a share file at all. */
	assert_int_equal(sharefile_peek((const unsigned char *)"{\"seq\":0}", 9, &m),
			 SHAREFILE_E_MAGIC);
	longer[0] = 0x88;
	assert_int_equal(sharefile_peek(longer, len, &m), SHAREFILE_E_MAGIC);
	free(longer);
	free(file);
}

/* A file whose header asks for other Argon2id parameters; peek refuses it before any work. */
static void set_kdf(unsigned char *file, uint32_t ops, uint32_t kib)
{
	for (int i = 0; i < 4; i++) {
		file[12 + i] = (unsigned char)(ops >> (24 - 8 * i));
		file[16 + i] = (unsigned char)(kib >> (24 - 8 * i));
	}
}

static void test_kdf_limits(void **state)
{
	/* Production files have the floor as minimum; files flagged rehearsal the rehearsal
	 * cost (the flag is in the authenticated header, so it cannot be set afterwards). */
	static const struct {
		int rehearsal;
		uint32_t ops, kib;
		enum sharefile_err want;
	} cases[] = {
		{ 0, 1, 19456, SHAREFILE_E_WEAK },	{ 0, 2, 19455, SHAREFILE_E_WEAK },
		{ 0, 1, 8192, SHAREFILE_E_WEAK },	{ 0, 0, 0, SHAREFILE_E_WEAK },
		{ 0, 17, 19456, SHAREFILE_E_COSTLY },	{ 0, 2, 1048577, SHAREFILE_E_COSTLY },
		{ 0, 0xFFFFFFFF, 0xFFFFFFFF, SHAREFILE_E_COSTLY },
		{ 1, 0, 8192, SHAREFILE_E_WEAK },	{ 1, 1, 8191, SHAREFILE_E_WEAK },
		{ 1, 1, 8192, SHAREFILE_OK },		{ 1, 2, 19456, SHAREFILE_OK },
		{ 1, 17, 19456, SHAREFILE_E_COSTLY },
	};
	struct sharefile_meta m;
	char *mn = secret(MNEMONIC), *pw = secret(PASSPHRASE);
	size_t len = 0, out_len = 0;
	unsigned char *file = seal_sample(&len, NULL), *out = NULL;

	(void)state;
	/* The production default is libsodium's MODERATE; the rehearsal cost its minimum. */
	assert_int_equal(sharefile_kdf_default.opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
	assert_int_equal((size_t)sharefile_kdf_default.memlimit_kib * 1024,
			 crypto_pwhash_MEMLIMIT_MODERATE);
	assert_int_equal(sharefile_kdf_rehearsal.opslimit, crypto_pwhash_OPSLIMIT_MIN);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sharefile_kdf k = { cases[i].ops, cases[i].kib };

		sample_meta(&m);
		m.rehearsal = cases[i].rehearsal;
		assert_int_equal(sharefile_seal(&m, &k, mn, strlen(mn), pw, strlen(pw), NULL, NULL,
						&out, &out_len),
				 cases[i].want);
		if (cases[i].want == SHAREFILE_OK) {
			/* Sealed at that cost, the file opens. */
			assert_non_null(out);
			assert_int_equal(try_open(out, out_len, PASSPHRASE), SHAREFILE_OK);
			free(out);
			out = NULL;
			continue;
		}
		assert_null(out);
		set_kdf(file, cases[i].ops, cases[i].kib);
		file[9] = (unsigned char)cases[i].rehearsal; /* the flags byte */
		assert_int_equal(sharefile_peek(file, len, &m), cases[i].want);
		assert_int_equal(try_open(file, len, PASSPHRASE), cases[i].want);
	}
	sodium_free(mn);
	sodium_free(pw);
	free(file);
}

static void test_seal_refuses(void **state)
{
	static const char *const bad_mnemonics[] = {
		"", " duckling enlarge", "duckling enlarge ", "duckling  enlarge",
		"Duckling enlarge", "duckling\tenlarge", "duckling enlarge1", "duckling\nenlarge",
		"duckling-enlarge", "duck\xc3\xa9",
	};
	struct sharefile_meta m, bad;
	char *mn = secret(MNEMONIC), *pw = secret(PASSPHRASE), *big;
	unsigned char *out = NULL;
	size_t len = 0;

	(void)state;
	sample_meta(&m);
#define REFUSE(meta, mnem, pass, want)                                                           \
	do {                                                                                     \
		assert_int_equal(sharefile_seal(meta, &sharefile_kdf_floor, mnem, strlen(mnem),  \
						pass, strlen(pass), NULL, NULL, &out, &len),     \
				 want);                                                          \
		assert_null(out);                                                                \
	} while (0)
	for (size_t i = 0; i < sizeof(bad_mnemonics) / sizeof(bad_mnemonics[0]); i++)
		REFUSE(&m, bad_mnemonics[i], pw, SHAREFILE_E_MNEMONIC);
	REFUSE(&m, mn, "short77", SHAREFILE_E_PASSPHRASE);
	big = malloc(SHAREFILE_PASSPHRASE_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', SHAREFILE_PASSPHRASE_MAX + 1);
	big[SHAREFILE_PASSPHRASE_MAX + 1] = '\0';
	REFUSE(&m, mn, big, SHAREFILE_E_PASSPHRASE);
	free(big);
	big = malloc(SHAREFILE_MNEMONIC_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', SHAREFILE_MNEMONIC_MAX + 1);
	big[SHAREFILE_MNEMONIC_MAX + 1] = '\0';
	REFUSE(&m, big, pw, SHAREFILE_E_MNEMONIC);
	free(big);

	bad = m, bad.ceremony_id[0] = '\0';
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, snprintf(bad.ceremony_id, sizeof(bad.ceremony_id), "-leading-dash");
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, snprintf(bad.key_name, sizeof(bad.key_name), "root key");
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, memset(bad.key_name, 'k', sizeof(bad.key_name));
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.identifier = 0x8000;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.group_count = 0;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.group_count = 17;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.group_threshold = 2;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.group_index = 1;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.member_index = 16;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.member_threshold = 0;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.member_threshold = 1; /* with member index 2 */
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.rehearsal = 2;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
	bad = m, bad.created = 253402300800ULL;
	REFUSE(&bad, mn, pw, SHAREFILE_E_INVAL);
#undef REFUSE
	sodium_free(mn);
	sodium_free(pw);
}

static void test_mnemonic_ok(void **state)
{
	(void)state;
	assert_true(sharefile_mnemonic_ok(MNEMONIC, strlen(MNEMONIC)));
	assert_true(sharefile_mnemonic_ok("a", 1));
	assert_true(sharefile_mnemonic_ok("a b", 3));
	assert_false(sharefile_mnemonic_ok("", 0));
	assert_false(sharefile_mnemonic_ok(" ", 1));
	assert_false(sharefile_mnemonic_ok("a ", 2));
	assert_false(sharefile_mnemonic_ok(" a", 2));
	assert_false(sharefile_mnemonic_ok("a  b", 4));
	assert_false(sharefile_mnemonic_ok("a\0b", 3));
	assert_false(sharefile_mnemonic_ok("{", 1));
	assert_false(sharefile_mnemonic_ok("`", 1));
	assert_false(sharefile_mnemonic_ok("\xff", 1));
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(sharefile_strerror(SHAREFILE_E_DECRYPT),
			    "wrong passphrase, or the share file was altered");
	assert_string_equal(sharefile_strerror((enum sharefile_err)99), "unknown share file error");
	for (int e = SHAREFILE_OK; e <= SHAREFILE_E_DECRYPT; e++)
		assert_non_null(strstr(sharefile_strerror((enum sharefile_err)e), ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),	   cmocka_unit_test(test_layout),
		cmocka_unit_test(test_known_answer),	   cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_every_header_byte), cmocka_unit_test(test_truncated_extended),
		cmocka_unit_test(test_kdf_limits),	   cmocka_unit_test(test_seal_refuses),
		cmocka_unit_test(test_mnemonic_ok),	   cmocka_unit_test(test_strerror),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
