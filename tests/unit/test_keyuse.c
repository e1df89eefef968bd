/* The libraries under the key-use ceremonies: check values (ceremony/base/checkvalue.h), key files
 * (ceremony/base/keyfile.h) and what an earlier transcript says about its keys (ceremony/transcript/lineage.h),
 * and the transcript rules for the key-use events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/transcript_test.h"

#include "ceremony/base/checkvalue.h"
#include "ceremony/base/keyfile.h"
#include "ceremony/transcript/lineage.h"

/* docs/transcript.md section 6.1; openssl mac gives the same. */
static void test_checkvalue_vector(void **state)
{
	static const char want[] =
	    "11ad9bbe5d235a5f902603e585dbfd4a15fe7c422e51d635ba63765de8b78480";
	uint8_t key[16], cv[CHECKVALUE_LEN];
	char hex[65];

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	assert_int_equal(checkvalue(key, sizeof(key), cv), 0);
	sodium_bin2hex(hex, sizeof(hex), cv, sizeof(cv));
	assert_string_equal(hex, want);
	key[15] ^= 1;
	assert_int_equal(checkvalue(key, sizeof(key), cv), 0);
	sodium_bin2hex(hex, sizeof(hex), cv, sizeof(cv));
	assert_string_not_equal(hex, want);
}

static void zero_random(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x24, len);
}

static void test_keyfile(void **state)
{
	struct keyfile_meta meta, got;
	uint8_t *kek = sodium_malloc(KEYFILE_KEK_LEN), der[300], *file = NULL, *out = NULL;
	size_t flen = 0, olen = 0;

	(void)state;
	assert_non_null(kek);
	memset(kek, 0x5a, KEYFILE_KEK_LEN);
	for (size_t i = 0; i < sizeof(der); i++)
		der[i] = (uint8_t)(i * 7);
	memset(&meta, 0, sizeof(meta));
	snprintf(meta.ceremony_id, sizeof(meta.ceremony_id), "example-root-2025");
	snprintf(meta.key_name, sizeof(meta.key_name), "root");
	memset(meta.spki_sha256, 0xab, 32);
	assert_int_equal(
	    keyfile_seal(&meta, kek, der, sizeof(der), zero_random, NULL, &file, &flen),
	    KEYFILE_OK);
	/* 8 magic, 1 version, 1+17, 1+4, 32, 24, 4, 300 + 16. */
	assert_int_equal(flen, 8 + 1 + 18 + 5 + 32 + 24 + 4 + 316);
	assert_memory_equal(file,
			    "\x89"
			    "CKEY\r\n\x1a\x01",
			    9);
	assert_int_equal(keyfile_peek(file, flen, &got), KEYFILE_OK);
	assert_string_equal(got.ceremony_id, "example-root-2025");
	assert_string_equal(got.key_name, "root");
	assert_int_equal(keyfile_open(file, flen, kek, &got, &out, &olen), KEYFILE_OK);
	assert_int_equal(olen, sizeof(der));
	assert_memory_equal(out, der, sizeof(der));
	sodium_free(out);

	/* A header byte, a sealed byte, a trailing byte, a short file, the wrong key. */
	file[11] ^= 1; /* "x" of the ceremony id, now "y": still a name, but the AEAD sees it */
	assert_int_equal(keyfile_open(file, flen, kek, &got, &out, &olen), KEYFILE_E_DECRYPT);
	assert_null(out);
	file[11] ^= 1;
	file[flen - 1] ^= 1;
	assert_int_equal(keyfile_open(file, flen, kek, &got, &out, &olen), KEYFILE_E_DECRYPT);
	file[flen - 1] ^= 1;
	assert_int_equal(keyfile_peek(file, flen - 1, &got), KEYFILE_E_FORMAT);
	assert_int_equal(keyfile_peek(file, 20, &got), KEYFILE_E_FORMAT);
	file[0] = 0;
	assert_int_equal(keyfile_peek(file, flen, &got), KEYFILE_E_MAGIC);
	file[0] = 0x89;
	file[8] = 2;
	assert_int_equal(keyfile_peek(file, flen, &got), KEYFILE_E_VERSION);
	file[8] = 1;
	kek[0] ^= 1;
	assert_int_equal(keyfile_open(file, flen, kek, &got, &out, &olen), KEYFILE_E_DECRYPT);
	snprintf(meta.key_name, sizeof(meta.key_name), "../root");
	assert_int_equal(keyfile_seal(&meta, kek, der, sizeof(der), NULL, NULL, &out, &olen),
			 KEYFILE_E_INVAL);
	free(file);
	sodium_free(kek);
}

/* The vector written from docs/ceremonies.md by another implementation (its README). */
static void test_keyfile_vector(void **state)
{
	const char *base = getenv("CEREMONY_TESTDATA");
	uint8_t kek[KEYFILE_KEK_LEN] = {0x5a, 0x5a, 0x5a, 0x5a}, spki[32], *der = NULL;
	struct keyfile_meta meta;
	char path[600];
	unsigned char *file;
	size_t len = 0, dlen = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/vectors/keyfile/v1.ckey", base ? base : "tests");
	file = slurp(path, &len);
	assert_non_null(file);
	assert_int_equal(keyfile_open(file, len, kek, &meta, &der, &dlen), KEYFILE_OK);
	assert_string_equal(meta.ceremony_id, "fuzz-1234");
	assert_string_equal(meta.key_name, "root");
	crypto_hash_sha256(spki, (const unsigned char *)"spki", 4);
	assert_memory_equal(meta.spki_sha256, spki, 32);
	assert_int_equal(dlen, 40);
	for (size_t i = 0; i < dlen; i++)
		assert_int_equal(der[i], i);
	sodium_free(der);
	free(file);
}

/* --- lineage --------------------------------------------------------------------------- */

struct made {
	char *dir;
	char path[600];
	int tick;
	struct transcript *t;
};

static void start(struct made *m, int rehearsal)
{
	struct transcript_start st;
	struct transcript_env env = {fixed_now, fixed_random, &m->tick};

	memset(&st, 0, sizeof(st));
	st.ceremony_id = "keygen-1";
	st.title = "Key generation";
	st.rehearsal = rehearsal;
	m->dir = scratch_dir();
	assert_non_null(m->dir);
	scratch_path(m->path, sizeof(m->path), m->dir, "t.jsonl");
	assert_int_equal(transcript_create(&m->t, m->path, NULL, &st, "start", &SYSTEM, &env),
			 TRANSCRIPT_OK);
}

static enum transcript_err add(struct made *m, const char *event, const char *fmt, ...)
{
	json_error_t err;
	va_list ap;
	json_t *d;
	enum transcript_err e;

	va_start(ap, fmt);
	d = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	assert_non_null(d);
	e = transcript_append(m->t, "s", &ADMIN, event, d);
	json_decref(d);
	return e;
}

static unsigned char *finish(struct made *m, int close, size_t *len)
{
	unsigned char final[32], *buf;
	const char *names[] = {"t.jsonl", NULL};

	if (close)
		assert_int_equal(transcript_close(m->t, "close", &ADMIN, final), TRANSCRIPT_OK);
	else
		assert_int_equal(transcript_abort(m->t, "close", &ADMIN, "stopped", final),
				 TRANSCRIPT_OK);
	transcript_free(m->t);
	buf = slurp(m->path, len);
	assert_non_null(buf);
	remove_tree(m->dir, names);
	free(m->dir);
	return buf;
}

#define SPKI_SHA "1111111111111111111111111111111111111111111111111111111111111111"
#define OTHER	 "2222222222222222222222222222222222222222222222222222222222222222"
#define CV	 "3333333333333333333333333333333333333333333333333333333333333333"

static void test_lineage(void **state)
{
	struct made m = {0};
	struct lineage *l = calloc(1, sizeof(*l));
	const struct lineage_key *k;
	unsigned char *buf;
	uint16_t id = 0;
	size_t len = 0;

	(void)state;
	assert_non_null(l);
	start(&m, 1);
	assert_int_equal(add(&m, "key-generated", "{s:s,s:s,s:s}", "key", "root", "algorithm",
			     "ec-p256", "spki_sha256", SPKI_SHA),
			 TRANSCRIPT_OK);
	assert_int_equal(add(&m, "key-generated", "{s:s,s:s,s:s}", "key", "sym", "algorithm",
			     "aes-128", "check_value", CV),
			 TRANSCRIPT_OK);
	/* A different check value for the same key is a conflict the writer refuses. */
	assert_int_equal(
	    add(&m, "key-reconstructed", "{s:s,s:s}", "key", "sym", "check_value", OTHER),
	    TRANSCRIPT_E_CONFLICT);
	for (int n = 0; n < 2; n++)
		assert_int_equal(add(&m, "share-written", "{s:s,s:i,s:i,s:s,s:s,s:s,s:i}", "key",
				     "root", "group", 0, "member", n, "medium", "c", "file",
				     "r.share", "sha256", SPKI_SHA, "identifier", 1234),
				 TRANSCRIPT_OK);
	assert_int_equal(add(&m, "shares-superseded", "{s:s,s:i,s:i}", "key", "root", "identifier",
			     77, "replaced_by", 1234),
			 TRANSCRIPT_OK);
	/* key-revealed: exactly one of its two forms. */
	assert_int_equal(add(&m, "key-revealed", "{s:s,s:s}", "key", "sym", "check_value", CV),
			 TRANSCRIPT_E_SCHEMA);
	assert_int_equal(add(&m, "key-revealed", "{s:s,s:s,s:s,s:s}", "key", "sym", "file",
			     "sym.hex", "sha256", OTHER, "check_value", CV),
			 TRANSCRIPT_OK);
	assert_int_equal(add(&m, "contingency-tested", "{s:s,s:s,s:s,s:s}", "key", "root",
			     "wrapped_by", "nobody", "cert_sha256", OTHER, "wrap_algorithm",
			     "id-aes128-wrap-pad"),
			 TRANSCRIPT_E_CONFLICT);
	buf = finish(&m, 1, &len);

	assert_int_equal(lineage_read(buf, len, l), LINEAGE_OK);
	assert_string_equal(l->ceremony, "keygen-1");
	assert_true(l->rehearsal);
	k = lineage_key(l, "root");
	assert_non_null(k);
	assert_true(k->has_spki_sha256);
	assert_int_equal(k->spki_sha256[0], 0x11);
	assert_int_equal(k->spki_len, 0);
	assert_int_equal(lineage_set_state(k, 1234), LINEAGE_SET_CURRENT);
	assert_int_equal(lineage_set_state(k, 77), LINEAGE_SET_SUPERSEDED);
	assert_int_equal(lineage_set_state(k, 5), LINEAGE_SET_UNKNOWN);
	assert_int_equal(lineage_current_set(k, &id), 1);
	assert_int_equal(id, 1234);
	k = lineage_key(l, "sym");
	assert_non_null(k);
	assert_true(k->has_check_value);
	assert_true(k->revealed);
	assert_null(lineage_key(l, "nothing"));

	/* One byte changed: it does not verify. */
	buf[len / 2] ^= 1;
	assert_int_equal(lineage_read(buf, len, l), LINEAGE_E_INVALID);
	assert_int_not_equal(l->failure.err, TRANSCRIPT_OK);
	free(buf);

	/* An aborted ceremony's keys are not used. */
	memset(&m, 0, sizeof(m));
	start(&m, 0);
	assert_int_equal(add(&m, "key-generated", "{s:s,s:s,s:s}", "key", "root", "algorithm",
			     "ec-p256", "spki_sha256", SPKI_SHA),
			 TRANSCRIPT_OK);
	buf = finish(&m, 0, &len);
	assert_int_equal(lineage_read(buf, len, l), LINEAGE_E_OPEN);
	assert_false(l->rehearsal);
	free(buf);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checkvalue_vector),
	    cmocka_unit_test(test_keyfile),
	    cmocka_unit_test(test_keyfile_vector),
	    cmocka_unit_test(test_lineage),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
