/* The transcript writer and verifier: a round trip, what the writer refuses, and the mutations
 * of issue 4 (flip, delete, reorder, duplicate, truncate, splice, replace a signature, edit and
 * re-chain without the key), each caught at the right record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "ceremony/transcript/transcript_format.h"
#include "transcript_test.h"

#define SAMPLE_RECORDS 16
/* The records of the sample signed by a key: checkpoints, the proof of possession, close. */
static const size_t signed_records[] = { 7, 13, 14, 15 };

static EVP_PKEY *sample_key(void)
{
	unsigned char seed[32];

	memset(seed, 0x77, sizeof(seed));
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof(seed));
}

/* A small ceremony: 16 records, checkpoints at 7 and 13, a proof of possession at 14, close at
 * 15. Deterministic: the same id and seed give the same bytes. */
static void write_sample(const char *path, const char *copy, const char *id, int close_it,
			 unsigned char final[32])
{
	static const struct transcript_actor witness = { "witness", "Bob Witness" };
	static const struct transcript_actor custodian = { "custodian", "Carol Custodian" };
	int tick = 0;
	struct transcript_env env = { fixed_now, fixed_random, &tick };
	struct transcript_start st;
	struct transcript *t = NULL;
	EVP_PKEY *key = sample_key();
	char *spki, fpr[65], h[65];
	unsigned char d[32];

	assert_non_null(key);
	spki = spki_hex(key, fpr);
	fill_start(&st, id);
	assert_int_equal(transcript_create(&t, path, copy, &st, "1", &ADMIN, &env), TRANSCRIPT_OK);
	append(t, "2", &ADMIN, "go-no-go",
	       json_pack("{s:s,s:b,s:[s,s,s]}", "decision", "go", "air_gap", 1, "checks", "air-gap",
			 "entropy", "clock"));
	append(t, "3", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:s}", "name", "Bob Witness", "role", "witness", "identity",
			 "passport 123"));
	append(t, "3", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:b}", "name", "Carol Custodian", "role", "custodian",
			 "present", 1));
	append(t, "4", &witness, "acknowledgement", json_pack("{s:s}", "subject", "image hash"));
	memset(d, 0xEE, 32);
	hex32(d, h);
	append(t, "5", &SYSTEM, "entropy-commitment", json_pack("{s:s,s:i}", "commitment", h,
								  "contributions", 2));
	append(t, "6", &SYSTEM, "key-generated",
	       json_pack("{s:s,s:s,s:s,s:s}", "key", "root", "algorithm", "ed25519", "spki", spki,
			 "spki_sha256", fpr));
	assert_int_equal(transcript_checkpoint(t, "6", &SYSTEM, "keys"), TRANSCRIPT_OK);
	memset(d, 0x5A, 32);
	hex32(d, h);
	append(t, "7", &custodian, "share-written",
	       json_pack("{s:s,s:i,s:i,s:s,s:s,s:s}", "key", "root", "group", 0, "member", 0,
			 "medium", "custodian-1", "file", "root-share-1.bin", "sha256", h));
	append(t, "7", &custodian, "share-verified",
	       json_pack("{s:s,s:i,s:i}", "key", "root", "group", 0, "member", 0));
	append(t, "7", &custodian, "share-accepted",
	       json_pack("{s:s,s:i,s:i,s:s}", "key", "root", "group", 0, "member", 0, "bag",
			 "TEB-000123"));
	append(t, "8", &SYSTEM, "reconstruction-tested",
	       json_pack("{s:s,s:i,s:s}", "key", "root", "shares", 1, "spki_sha256", fpr));
	append(t, "8", &ADMIN, "exception",
	       json_pack("{s:s,s:s}", "description", "printer jammed; card reprinted",
			 "approved_by", "Alice Example"));
	assert_int_equal(transcript_checkpoint(t, "8", &SYSTEM, "shares"), TRANSCRIPT_OK);
	assert_int_equal(transcript_prove_possession(t, "9", &SYSTEM, "root", key), TRANSCRIPT_OK);
	if (close_it)
		assert_int_equal(transcript_close(t, "9", &ADMIN, final), TRANSCRIPT_OK);
	assert_int_equal(transcript_records(t), close_it ? SAMPLE_RECORDS : SAMPLE_RECORDS - 1);
	transcript_free(t);
	EVP_PKEY_free(key);
	free(spki);
}

struct sample {
	char *dir;
	char path[600];
	unsigned char *buf;
	size_t len;
	unsigned char final[32];
};

static void sample_load(struct sample *s, const char *id, int seed)
{
	s->dir = scratch_dir();
	assert_non_null(s->dir);
	scratch_path(s->path, sizeof(s->path), s->dir, "transcript.jsonl");
	test_seed_byte = seed;
	write_sample(s->path, NULL, id, 1, s->final);
	test_seed_byte = 0x42;
	s->buf = slurp(s->path, &s->len);
	assert_non_null(s->buf);
}

static void sample_free(struct sample *s)
{
	static const char *const names[] = { "transcript.jsonl", "copy.jsonl", NULL };

	remove_tree(s->dir, names);
	free(s->dir);
	free(s->buf);
}

static enum transcript_err verify(const void *buf, size_t len, struct transcript_failure *f)
{
	struct transcript_summary sum;
	enum transcript_err e = transcript_verify(buf, len, NULL, &sum, f);

	transcript_summary_free(&sum);
	return e;
}

/* --- lines: split, edit, join ----------------------------------------------------------- */

struct lines {
	char *l[SAMPLE_RECORDS + 2];
	size_t n;
};

static void split(const unsigned char *buf, size_t len, struct lines *ls)
{
	size_t start = 0;

	ls->n = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n') {
			assert_true(ls->n < SAMPLE_RECORDS + 2);
			ls->l[ls->n] = strndup((const char *)buf + start, i - start);
			assert_non_null(ls->l[ls->n]);
			ls->n++;
			start = i + 1;
		}
	assert_int_equal(start, len);
}

static unsigned char *join(const struct lines *ls, size_t *len)
{
	size_t total = 0, at = 0;
	unsigned char *out;

	for (size_t i = 0; i < ls->n; i++)
		total += strlen(ls->l[i]) + 1;
	out = malloc(total + 1);
	assert_non_null(out);
	for (size_t i = 0; i < ls->n; i++) {
		size_t n = strlen(ls->l[i]);

		memcpy(out + at, ls->l[i], n);
		out[at + n] = '\n';
		at += n + 1;
	}
	*len = total;
	return out;
}

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i]);
	ls->n = 0;
}

/* Re-serialises line i after fn edits its record. */
static void edit(struct lines *ls, size_t i, void (*fn)(json_t *rec, void *arg), void *arg)
{
	json_t *rec = json_loads(ls->l[i], 0, NULL);
	size_t len = 0;

	assert_non_null(rec);
	fn(rec, arg);
	free(ls->l[i]);
	ls->l[i] = tformat_dump(rec, &len);
	assert_non_null(ls->l[i]);
	json_decref(rec);
}

static void set_prev(json_t *rec, void *arg)
{
	const char *event = json_string_value(json_object_get(rec, "event"));

	json_object_set_new(rec, "prev", json_string(arg));
	if (strcmp(event, "close") == 0 || strcmp(event, "abort") == 0)
		json_object_set_new(json_object_get(rec, "data"), "final", json_string(arg));
}

/* What a forger without the transcript key can do: recompute every prev after line from. */
static void rechain(struct lines *ls, size_t from)
{
	for (size_t i = from + 1; i < ls->n; i++) {
		unsigned char d[32];
		char h[65];

		crypto_hash_sha256(d, (const unsigned char *)ls->l[i - 1], strlen(ls->l[i - 1]));
		hex32(d, h);
		edit(ls, i, set_prev, h);
	}
}

static void expect_at(const struct lines *ls, enum transcript_err want, size_t record)
{
	struct transcript_failure f;
	size_t len = 0;
	unsigned char *buf = join(ls, &len);
	enum transcript_err e = verify(buf, len, &f);

	free(buf);
	if (e != want || !f.at_record || f.record != record)
		fail_msg("want %s at %zu, got %s at %s%zu: %s", transcript_errname(want), record,
			 transcript_errname(e), f.at_record ? "" : "file/", f.record, f.detail);
}

/* --- round trip ------------------------------------------------------------------------- */

static void test_round_trip(void **state)
{
	static const char start_prefix[] =
		"{\"seq\":0,\"time\":\"2024-05-01T09:00:00Z\",\"step\":\"1\",\"actor\":{\"role\":"
		"\"administrator\",\"name\":\"Alice Example\"},\"event\":\"ceremony-start\",\"data\":{";
	char *dir = scratch_dir(), path[600], copy[600];
	static const char *const names[] = { "t.jsonl", "copy.jsonl", NULL };
	unsigned char final[32], *buf, *cbuf, d[32];
	size_t len = 0, clen = 0;
	struct transcript_summary sum;
	struct transcript_failure f;
	struct lines ls;
	char zeros[65];

	(void)state;
	assert_non_null(dir);
	scratch_path(path, sizeof(path), dir, "t.jsonl");
	scratch_path(copy, sizeof(copy), dir, "copy.jsonl");
	write_sample(path, copy, "smki-rehearsal-1", 1, final);
	buf = slurp(path, &len);
	cbuf = slurp(copy, &clen);
	assert_non_null(buf);
	assert_non_null(cbuf);
	assert_int_equal(len, clen);
	assert_memory_equal(buf, cbuf, len);

	assert_int_equal(transcript_verify(buf, len, NULL, &sum, &f), TRANSCRIPT_OK);
	assert_int_equal(sum.records, SAMPLE_RECORDS);
	assert_int_equal(sum.outcome, TRANSCRIPT_CLOSED);
	assert_int_equal(sum.checkpoints, 2);
	assert_int_equal(sum.possessions, 1);
	assert_true(sum.has_signed);
	assert_int_equal(sum.last_signed, SAMPLE_RECORDS - 1);
	assert_memory_equal(sum.final_digest, final, 32);
	assert_string_equal(json_string_value(json_object_get(sum.start, "ceremony")),
			    "smki-rehearsal-1");
	assert_true(json_is_true(json_object_get(sum.start, "rehearsal")));
	transcript_summary_free(&sum);

	/* The final digest is the SHA-256 of the line before close; record 0's prev is zero. */
	split(buf, len, &ls);
	assert_int_equal(ls.n, SAMPLE_RECORDS);
	crypto_hash_sha256(d, (const unsigned char *)ls.l[14], strlen(ls.l[14]));
	assert_memory_equal(d, final, 32);
	memset(zeros, '0', 64);
	zeros[64] = '\0';
	assert_non_null(strstr(ls.l[0], zeros));
	assert_true(strncmp(ls.l[0], start_prefix, sizeof(start_prefix) - 1) == 0);
	/* Data keys come out sorted whatever order the caller used. */
	assert_non_null(strstr(ls.l[1], "\"data\":{\"air_gap\":true,\"checks\":[\"air-gap\","
					"\"entropy\",\"clock\"],\"decision\":\"go\"}"));
	lines_free(&ls);
	free(buf);
	free(cbuf);
	remove_tree(dir, names);
	free(dir);
}

/* Same inputs, same bytes: the format leaves nothing to chance but the key's seed. */
static void test_deterministic(void **state)
{
	struct sample a, b;

	(void)state;
	sample_load(&a, "smki-rehearsal-1", 0x42);
	sample_load(&b, "smki-rehearsal-1", 0x42);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	sample_free(&a);
	sample_free(&b);
}

static void test_abort(void **state)
{
	struct scratch s;
	struct transcript_summary sum;
	struct transcript_failure f;
	unsigned char final[32], head[32];

	(void)state;
	scratch_open(&s, "abort-test", NULL);
	transcript_head(s.t, head);
	assert_int_equal(transcript_abort(s.t, "1", &ADMIN, "custodian absent", final),
			 TRANSCRIPT_OK);
	assert_memory_equal(final, head, 32);
	assert_int_equal(transcript_checkpoint(s.t, "1", &ADMIN, NULL), TRANSCRIPT_E_STATE);
	assert_int_equal(transcript_close(s.t, "1", &ADMIN, final), TRANSCRIPT_E_STATE);
	assert_int_equal(verify_path(s.path, NULL, &sum, &f), TRANSCRIPT_OK);
	assert_int_equal(sum.outcome, TRANSCRIPT_ABORTED);
	assert_int_equal(sum.records, 2);
	transcript_summary_free(&sum);
	scratch_done(&s);
}

/* --- what the writer refuses, leaving the file as it was -------------------------------- */

static void refuse(struct transcript *t, const char *path, enum transcript_err want,
		   const struct transcript_actor *a, const char *event, json_t *data)
{
	struct stat before, after;
	size_t n = transcript_records(t);
	enum transcript_err e;

	assert_int_equal(stat(path, &before), 0);
	e = transcript_append(t, "x", a, event, data);
	json_decref(data);
	if (e != want)
		fail_msg("%s: want %s, got %s (%s)", event, transcript_errname(want),
			 transcript_errname(e), transcript_detail(t));
	assert_true(transcript_detail(t)[0] != '\0');
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(transcript_records(t), n);
}

static void test_refusals(void **state)
{
	static const struct transcript_actor nobody = { "observer", "Eve" };
	static const struct transcript_actor empty = { "witness", "" };
	char h[65], big[TRANSCRIPT_STRING_MAX + 2];
	struct scratch s;
	struct transcript *t;
	const char *path;
	struct transcript_summary sum;
	struct transcript_failure f;
	unsigned char final[32], d[32];

	(void)state;
	scratch_open(&s, "refusals", NULL);
	t = s.t;
	path = s.path;
	memset(d, 0x11, 32);
	hex32(d, h);

	/* Secrets by name, at any depth. */
	refuse(t, path, TRANSCRIPT_E_SECRET, &ADMIN, "note",
	       json_pack("{s:s,s:s}", "text", "x", "passphrase", "hunter2"));
	refuse(t, path, TRANSCRIPT_E_SECRET, &ADMIN, "note",
	       json_pack("{s:s,s:{s:s}}", "text", "x", "custodian", "pin", "1234"));
	refuse(t, path, TRANSCRIPT_E_SECRET, &ADMIN, "note",
	       json_pack("{s:s,s:[{s:s}]}", "text", "x", "list", "share_mnemonic", "a b c"));
	refuse(t, path, TRANSCRIPT_E_SECRET, &ADMIN, "note",
	       json_pack("{s:s,s:s}", "text", "x", "private_key", "00"));
	/* The vocabulary, and the events only their own calls may write. */
	refuse(t, path, TRANSCRIPT_E_EVENT, &ADMIN, "party", json_pack("{s:s}", "text", "x"));
	refuse(t, path, TRANSCRIPT_E_EVENT, &ADMIN, "checkpoint", json_pack("{s:s}", "sig", ""));
	refuse(t, path, TRANSCRIPT_E_EVENT, &ADMIN, "close", json_pack("{s:s}", "final", h));
	refuse(t, path, TRANSCRIPT_E_EVENT, &ADMIN, "ceremony-start", json_object());
	/* Required fields and their types. */
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "go-no-go", json_object());
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "go-no-go", json_pack("{s:s}", "decision",
									  "maybe"));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "entropy-commitment",
	       json_pack("{s:s}", "commitment", "ABCD"));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "attendance",
	       json_pack("{s:s,s:s}", "name", "Eve", "role", "observer"));
	/* Values: integers only, no null, no control or bidi characters, sizes. */
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "note",
	       json_pack("{s:s,s:f}", "text", "x", "ratio", 0.5));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "note", json_pack("{s:s,s:n}", "text", "x",
								      "nothing"));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "note",
	       json_pack("{s:s,s:I}", "text", "x", "n", (json_int_t)9007199254740992LL));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "note", json_pack("{s:s}", "text", "a\nb"));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "note",
	       json_pack("{s:s}", "text", "abc\xe2\x80\xae" "cba"));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "note",
	       json_pack("{s:s,s:s}", "text", "x", "Bad-Name", "y"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refuse(t, path, TRANSCRIPT_E_LIMIT, &ADMIN, "note", json_pack("{s:s}", "text", big));
	refuse(t, path, TRANSCRIPT_E_LIMIT, &ADMIN, "note",
	       json_pack("{s:s,s:{s:{s:{s:{s:i}}}}}", "text", "x", "a", "b", "c", "d", "e", 1));
	/* Actors and steps. */
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &nobody, "note", json_pack("{s:s}", "text", "x"));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &empty, "note", json_pack("{s:s}", "text", "x"));
	/* Contradictions: unknown keys, a key twice, a file with two contents. */
	refuse(t, path, TRANSCRIPT_E_CONFLICT, &ADMIN, "share-written",
	       json_pack("{s:s,s:i,s:i,s:s,s:s,s:s}", "key", "ghost", "group", 0, "member", 0,
			 "medium", "m", "file", "f", "sha256", h));
	append(t, "2", &SYSTEM, "key-generated",
	       json_pack("{s:s,s:s,s:s}", "key", "k1", "algorithm", "ecdsa-p256", "spki_sha256", h));
	refuse(t, path, TRANSCRIPT_E_CONFLICT, &ADMIN, "key-generated",
	       json_pack("{s:s,s:s}", "key", "k1", "algorithm", "ecdsa-p256"));
	refuse(t, path, TRANSCRIPT_E_CONFLICT, &ADMIN, "key-generated",
	       json_pack("{s:s,s:s,s:s,s:s}", "key", "k2", "algorithm", "x", "spki", "3000",
			 "spki_sha256", h));
	append(t, "2", &SYSTEM, "media-written",
	       json_pack("{s:s,s:s,s:s}", "medium", "public", "file", "a.pem", "sha256", h));
	h[0] = h[0] == '0' ? '1' : '0';
	refuse(t, path, TRANSCRIPT_E_CONFLICT, &ADMIN, "media-written",
	       json_pack("{s:s,s:s,s:s}", "medium", "public", "file", "a.pem", "sha256", h));
	refuse(t, path, TRANSCRIPT_E_SCHEMA, &ADMIN, "media-written",
	       json_pack("{s:s,s:s,s:s}", "medium", "public", "file", "../etc/passwd", "sha256",
			 h));

	/* Nothing was damaged: the transcript goes on and verifies. */
	assert_int_equal(transcript_checkpoint(t, "3", &ADMIN, "after refusals"), TRANSCRIPT_OK);
	assert_int_equal(transcript_close(t, "3", &ADMIN, final), TRANSCRIPT_OK);
	assert_int_equal(transcript_append(t, "3", &ADMIN, "note", NULL), TRANSCRIPT_E_STATE);
	assert_int_equal(verify_path(path, NULL, &sum, &f), TRANSCRIPT_OK);
	assert_int_equal(sum.records, 5);
	transcript_summary_free(&sum);
	scratch_done(&s);
}

static void test_exists(void **state)
{
	char *dir = scratch_dir(), path[600], copy[600], link_path[600];
	static const char *const names[] = { "t.jsonl", "copy.jsonl", "link.jsonl", NULL };
	struct transcript_start st;
	struct transcript *t = NULL;
	struct stat sb;
	FILE *f;

	(void)state;
	scratch_path(path, sizeof(path), dir, "t.jsonl");
	scratch_path(copy, sizeof(copy), dir, "copy.jsonl");
	scratch_path(link_path, sizeof(link_path), dir, "link.jsonl");
	fill_start(&st, "exists");
	/* The copy exists: nothing is created, the primary is not left behind. */
	f = fopen(copy, "w");
	assert_non_null(f);
	fputs("keep me\n", f);
	fclose(f);
	assert_int_equal(transcript_create(&t, path, copy, &st, "1", &ADMIN, NULL),
			 TRANSCRIPT_E_EXIST);
	assert_null(t);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(stat(copy, &sb), 0);
	assert_int_equal(sb.st_size, 8);
	/* The primary exists, or is a link: refused. */
	assert_int_equal(transcript_create(&t, copy, NULL, &st, "1", &ADMIN, NULL),
			 TRANSCRIPT_E_EXIST);
	assert_int_equal(symlink(path, link_path), 0);
	assert_int_equal(transcript_create(&t, link_path, NULL, &st, "1", &ADMIN, NULL),
			 TRANSCRIPT_E_EXIST);
	assert_int_equal(stat(path, &sb), -1);
	/* A bad start record: nothing left behind either. */
	st.ceremony_id = "no spaces allowed";
	assert_int_equal(transcript_create(&t, path, NULL, &st, "1", &ADMIN, NULL),
			 TRANSCRIPT_E_SCHEMA);
	assert_int_equal(stat(path, &sb), -1);
	remove_tree(dir, names);
	free(dir);
}

static int64_t backwards_now(void *ctx)
{
	int *tick = ctx;

	return 1714554000 - 60 * (*tick)++;
}

static void test_clock_backwards(void **state)
{
	struct scratch s;
	struct transcript_summary sum;
	struct transcript_failure f;
	unsigned char final[32], *buf;
	size_t len = 0;

	(void)state;
	scratch_open(&s, "clock", backwards_now);
	append(s.t, "1", &ADMIN, "note", json_pack("{s:s}", "text", "the clock stepped back"));
	assert_int_equal(transcript_close(s.t, "1", &ADMIN, final), TRANSCRIPT_OK);
	assert_int_equal(verify_path(s.path, NULL, &sum, &f), TRANSCRIPT_OK);
	transcript_summary_free(&sum);
	buf = slurp(s.path, &len);
	assert_non_null(strstr((char *)buf, "\"seq\":2,\"time\":\"2024-05-01T09:00:00Z\""));
	free(buf);
	scratch_done(&s);
}

/* A write that fails half way (the file size limit here; a full medium in life): the torn
 * line is cut off, so the file ends at the last whole record, and the transcript refuses
 * anything more. */
static void test_write_failure(void **state)
{
	struct scratch s;
	struct transcript_summary sum;
	struct transcript_failure f;
	struct rlimit old, lim;
	struct stat st;
	unsigned char final[32];
	char text[3000];
	void (*was)(int);
	json_t *big;

	(void)state;
	scratch_open(&s, "full-medium", NULL);
	append(s.t, "2", &ADMIN, "note", json_pack("{s:s}", "text", "before the medium fills"));
	assert_int_equal(stat(s.path, &st), 0);
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	was = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 1000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	big = json_pack("{s:s}", "text", text);
	assert_int_equal(transcript_append(s.t, "3", &ADMIN, "note", big), TRANSCRIPT_E_IO);
	json_decref(big);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	assert_non_null(
	    strstr(transcript_detail(s.t), "writing the transcript failed (File too large)"));
	assert_int_equal(transcript_close(s.t, "3", &ADMIN, final), TRANSCRIPT_E_STATE);
	/* Still saying why, for the abort message. */
	assert_non_null(strstr(transcript_detail(s.t), "(File too large)"));
	assert_int_equal(verify_path(s.path, NULL, &sum, &f), TRANSCRIPT_E_INCOMPLETE);
	assert_int_equal(sum.records, 2);
	transcript_summary_free(&sum);
	scratch_done(&s);
}

/* --- crash states: incomplete and torn ------------------------------------------------- */

static void test_incomplete(void **state)
{
	char *dir = scratch_dir(), path[600];
	static const char *const names[] = { "t.jsonl", NULL };
	struct transcript_failure f;
	unsigned char *buf;
	size_t len = 0;

	(void)state;
	scratch_path(path, sizeof(path), dir, "t.jsonl");
	write_sample(path, NULL, "crash", 0, NULL);
	buf = slurp(path, &len);
	assert_int_equal(verify(buf, len, &f), TRANSCRIPT_E_INCOMPLETE);
	assert_false(f.at_record);
	assert_string_equal(f.detail, "ends after record 14 without a close or abort record");
	/* A torn last line: truncated, not tampered. */
	assert_int_equal(verify(buf, len - 10, &f), TRANSCRIPT_E_TRUNCATED);
	assert_string_equal(f.detail, "truncated after record 13");
	assert_int_equal(verify(buf, 5, &f), TRANSCRIPT_E_TRUNCATED);
	assert_string_equal(f.detail, "truncated before the first record");
	assert_int_equal(verify(buf, 0, &f), TRANSCRIPT_E_TRUNCATED);
	free(buf);
	remove_tree(dir, names);
	free(dir);
}

/* --- mutations ------------------------------------------------------------------------- */

/* Every byte of every record, one at a time: caught at that record, or at the next one as a
 * broken chain (the record itself still parses and its own prev is intact). */
static void test_flip_every_byte(void **state)
{
	struct sample s;
	size_t line = 0, prev_at = 0;

	(void)state;
	sample_load(&s, "flip", 0x42);
	for (size_t i = 0; i < s.len; i++) {
		struct transcript_failure f;
		enum transcript_err e;

		if (i == 0 || s.buf[i - 1] == '\n') {
			/* Where this record's own prev value starts. */
			const char *p = strstr((const char *)s.buf + i, "\"prev\":\"");

			assert_non_null(p);
			prev_at = (size_t)(p - (const char *)s.buf) + 8;
		}
		s.buf[i] ^= 0x01;
		e = verify(s.buf, s.len, &f);
		s.buf[i] ^= 0x01;
		if (i == s.len - 1) {
			/* The very last newline: indistinguishable from a torn write. */
			assert_int_equal(e, TRANSCRIPT_E_TRUNCATED);
		} else if (e == TRANSCRIPT_E_CHAIN && !(i >= prev_at && i < prev_at + 64)) {
			assert_true(f.at_record);
			assert_int_equal(f.record, line + 1);
		} else {
			if (e == TRANSCRIPT_OK || !f.at_record || f.record != line)
				fail_msg("byte %zu of record %zu: got %s at %zu", i, line,
					 transcript_errname(e), f.record);
		}
		if (s.buf[i] == '\n')
			line++;
	}
	assert_int_equal(line, SAMPLE_RECORDS);
	sample_free(&s);
}

static void test_delete_reorder_duplicate(void **state)
{
	struct sample s;
	struct lines ls;

	(void)state;
	sample_load(&s, "delete", 0x42);
	for (size_t k = 0; k < SAMPLE_RECORDS; k++) {
		char *saved;

		/* Delete record k. */
		split(s.buf, s.len, &ls);
		saved = ls.l[k];
		memmove(&ls.l[k], &ls.l[k + 1], (ls.n - k - 1) * sizeof(ls.l[0]));
		ls.n--;
		if (k == SAMPLE_RECORDS - 1) {
			struct transcript_failure f;
			size_t len = 0;
			unsigned char *buf = join(&ls, &len);

			/* Without its close the transcript reads as a ceremony that never ended. */
			assert_int_equal(verify(buf, len, &f), TRANSCRIPT_E_INCOMPLETE);
			free(buf);
		} else {
			expect_at(&ls, TRANSCRIPT_E_SEQ, k);
		}
		free(saved);
		lines_free(&ls);

		/* Duplicate record k right after itself. */
		split(s.buf, s.len, &ls);
		memmove(&ls.l[k + 2], &ls.l[k + 1], (ls.n - k - 1) * sizeof(ls.l[0]));
		ls.l[k + 1] = strdup(ls.l[k]);
		ls.n++;
		expect_at(&ls, k == SAMPLE_RECORDS - 1 ? TRANSCRIPT_E_AFTER : TRANSCRIPT_E_SEQ, k + 1);
		lines_free(&ls);

		/* Swap records k and k+1. */
		if (k + 1 < SAMPLE_RECORDS) {
			split(s.buf, s.len, &ls);
			saved = ls.l[k];
			ls.l[k] = ls.l[k + 1];
			ls.l[k + 1] = saved;
			expect_at(&ls, TRANSCRIPT_E_SEQ, k);
			lines_free(&ls);
		}
	}
	sample_free(&s);
}

static void test_truncate_every_offset(void **state)
{
	struct sample s;
	size_t complete = 0;

	(void)state;
	sample_load(&s, "truncate", 0x42);
	for (size_t o = 0; o < s.len; o++) {
		struct transcript_failure f;
		enum transcript_err e = verify(s.buf, o, &f);

		assert_false(f.at_record);
		if (o > 0 && s.buf[o - 1] == '\n') {
			char want[80];

			assert_int_equal(e, TRANSCRIPT_E_INCOMPLETE);
			snprintf(want, sizeof(want),
				 "ends after record %zu without a close or abort record",
				 complete - 1);
			assert_string_equal(f.detail, want);
		} else {
			assert_int_equal(e, TRANSCRIPT_E_TRUNCATED);
			if (complete > 0) {
				char want[60];

				snprintf(want, sizeof(want), "truncated after record %zu",
					 complete - 1);
				assert_string_equal(f.detail, want);
			}
		}
		if (s.buf[o] == '\n')
			complete++;
	}
	sample_free(&s);
}

static void test_splice(void **state)
{
	struct sample a, b;
	struct lines la, lb;

	(void)state;
	sample_load(&a, "ceremony-a", 0x42);
	sample_load(&b, "ceremony-b", 0x43);
	for (size_t k = 0; k < SAMPLE_RECORDS; k++) {
		/* One record of b in place of a's. */
		split(a.buf, a.len, &la);
		split(b.buf, b.len, &lb);
		free(la.l[k]);
		la.l[k] = strdup(lb.l[k]);
		expect_at(&la, TRANSCRIPT_E_CHAIN, k == 0 ? 1 : k);
		lines_free(&la);

		/* b's tail after a's head. */
		if (k > 0) {
			split(a.buf, a.len, &la);
			for (size_t i = k; i < SAMPLE_RECORDS; i++) {
				free(la.l[i]);
				la.l[i] = strdup(lb.l[i]);
			}
			expect_at(&la, TRANSCRIPT_E_CHAIN, k);
			lines_free(&la);
		}
		lines_free(&lb);
	}
	sample_free(&a);
	sample_free(&b);
}

static void set_sig(json_t *rec, void *arg)
{
	json_object_set_new(json_object_get(rec, "data"), "sig", json_string(arg));
}

static void test_replace_signature(void **state)
{
	struct sample a, b;
	struct lines la, lb;

	(void)state;
	sample_load(&a, "ceremony-a", 0x42);
	sample_load(&b, "ceremony-b", 0x43);
	for (size_t i = 0; i < sizeof(signed_records) / sizeof(signed_records[0]); i++) {
		size_t k = signed_records[i];
		json_t *other;

		split(a.buf, a.len, &la);
		split(b.buf, b.len, &lb);
		other = json_loads(lb.l[k], 0, NULL);
		assert_non_null(other);
		/* A real signature of the same kind from another ceremony. */
		edit(&la, k, set_sig,
		     (void *)(uintptr_t)json_string_value(
			     json_object_get(json_object_get(other, "data"), "sig")));
		expect_at(&la, TRANSCRIPT_E_SIG, k);
		/* And with the chain recomputed after it. */
		rechain(&la, k);
		expect_at(&la, TRANSCRIPT_E_SIG, k);
		json_decref(other);
		lines_free(&la);
		lines_free(&lb);
	}
	sample_free(&a);
	sample_free(&b);
}

static void set_text(json_t *rec, void *arg)
{
	json_object_set_new(rec, "step", json_string(arg));
}

/* A forger edits a record and recomputes every prev after it (and the close's final): the
 * first signature after the edit fails. */
static void test_edit_and_rechain(void **state)
{
	struct sample s;
	struct lines ls;

	(void)state;
	sample_load(&s, "edit", 0x42);
	for (size_t k = 0; k < SAMPLE_RECORDS - 1; k++) {
		size_t next = 0;

		for (size_t i = 0; i < sizeof(signed_records) / sizeof(signed_records[0]); i++)
			if (signed_records[i] >= k) {
				next = signed_records[i];
				break;
			}
		split(s.buf, s.len, &ls);
		edit(&ls, k, set_text, (void *)(uintptr_t) "forged");
		rechain(&ls, k);
		expect_at(&ls, TRANSCRIPT_E_SIG, next);
		lines_free(&ls);
	}
	sample_free(&s);
}

static void test_non_canonical(void **state)
{
	static const struct {
		const char *from, *to;
		enum transcript_err want;
	} edits[] = {
		{ "\"seq\":3,", "\"seq\": 3,", TRANSCRIPT_E_CANON },
		{ "\"seq\":3,", "\"seq\":3 ,", TRANSCRIPT_E_CANON },
		{ "\"seq\":3,", "\"seq\":3.0,", TRANSCRIPT_E_CANON },
		{ "\"seq\":3,", "\"seq\":03,", TRANSCRIPT_E_SYNTAX },
		{ "\"seq\":3,", "\"seq\":\"3\",", TRANSCRIPT_E_SCHEMA },
		{ "Carol", "\\u0043arol", TRANSCRIPT_E_CANON },
		{ "\"name\":\"Carol Custodian\",\"present\":true,\"role\":\"custodian\"",
		  "\"present\":true,\"name\":\"Carol Custodian\",\"role\":\"custodian\"",
		  TRANSCRIPT_E_CANON },
		{ "\"present\":true", "\"present\":true,\"present\":true", TRANSCRIPT_E_CANON },
		{ "\"role\":\"administrator\",\"name\":\"Alice Example\"",
		  "\"name\":\"Alice Example\",\"role\":\"administrator\"", TRANSCRIPT_E_CANON },
		{ "\"step\":\"3\",", "", TRANSCRIPT_E_SCHEMA },
		{ "\"step\":\"3\",", "\"step\":\"3\",\"extra\":1,", TRANSCRIPT_E_SCHEMA },
		{ "\"step\":\"3\",", "\"step\":\"3\t\",", TRANSCRIPT_E_SYNTAX },
		{ "\"present\":true", "\"present\":null", TRANSCRIPT_E_SCHEMA },
		{ "\"present\":true", "\"present\":1e2", TRANSCRIPT_E_CANON },
		{ "T09:00:21Z", "T09:00:21+00:00", TRANSCRIPT_E_SCHEMA },
		{ "T09:00:21Z", "T09:00:61Z", TRANSCRIPT_E_SCHEMA },
		{ "2024-05-01T09:00:21Z", "2024-02-30T09:00:21Z", TRANSCRIPT_E_SCHEMA },
		{ "\"event\":\"attendance\"", "\"event\":\"Attendance\"", TRANSCRIPT_E_EVENT },
	};
	struct sample s;

	(void)state;
	sample_load(&s, "canon", 0x42);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct lines ls;
		char *at, *n;
		size_t fl = strlen(edits[i].from), tl = strlen(edits[i].to), ll;

		split(s.buf, s.len, &ls);
		at = strstr(ls.l[3], edits[i].from);
		if (at == NULL)
			fail_msg("edit %zu: '%s' not in record 3", i, edits[i].from);
		ll = strlen(ls.l[3]);
		n = malloc(ll - fl + tl + 1);
		assert_non_null(n);
		memcpy(n, ls.l[3], (size_t)(at - ls.l[3]));
		memcpy(n + (at - ls.l[3]), edits[i].to, tl);
		memcpy(n + (at - ls.l[3]) + tl, at + fl, ll - (size_t)(at - ls.l[3]) - fl + 1);
		free(ls.l[3]);
		ls.l[3] = n;
		expect_at(&ls, edits[i].want, 3);
		lines_free(&ls);
	}
	sample_free(&s);
}

static void test_limits(void **state)
{
	struct transcript_failure f;
	size_t n = TRANSCRIPT_LINE_MAX + 2;
	char *line = malloc(n);

	(void)state;
	assert_non_null(line);
	memset(line, ' ', n);
	line[n - 1] = '\n';
	assert_int_equal(verify(line, n, &f), TRANSCRIPT_E_LIMIT);
	assert_true(f.at_record);
	assert_int_equal(f.record, 0);
	/* Deep nesting stops at the scanner's depth limit, never a stack overflow. */
	memset(line, '[', n - 1);
	line[4000] = '\n';
	assert_int_equal(verify(line, 4001, &f), TRANSCRIPT_E_LIMIT);
	free(line);
}

/* The vocabulary in docs/transcript.md is the one the code knows, and nothing more. */
static void test_docs_vocabulary(void **state)
{
	const char *base = getenv("CEREMONY_TESTDATA");
	char path[600], heading[80];
	unsigned char *doc;
	size_t len = 0, documented = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/../docs/transcript.md", base ? base : "tests");
	doc = slurp(path, &len);
	assert_non_null(doc);
	doc[len] = '\0';
	for (size_t i = 0; i < TEV_COUNT; i++) {
		snprintf(heading, sizeof(heading), "\n#### `%s`\n", tformat_event_at(i)->name);
		if (strstr((char *)doc, heading) == NULL)
			fail_msg("docs/transcript.md lacks a heading for '%s'",
				 tformat_event_at(i)->name);
	}
	for (const char *p = (char *)doc; (p = strstr(p, "\n#### `")) != NULL; p++)
		documented++;
	assert_int_equal(documented, TEV_COUNT);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_exists),
		cmocka_unit_test(test_clock_backwards),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_delete_reorder_duplicate),
		cmocka_unit_test(test_truncate_every_offset),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_replace_signature),
		cmocka_unit_test(test_edit_and_rechain),
		cmocka_unit_test(test_non_canonical),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_docs_vocabulary),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
