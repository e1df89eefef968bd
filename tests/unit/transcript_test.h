/* Helpers shared by the transcript unit tests: a scratch directory, a fixed clock, a fixed
 * transcript key, writing and reading a transcript back. Header-only (each test is its own
 * binary), included after cmocka.h. */
#ifndef TESTS_TRANSCRIPT_TEST_H
#define TESTS_TRANSCRIPT_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>
#include <sodium.h>

#include "ceremony/transcript/transcript.h"
#include "ceremony/transcript/transcript_verify.h"

/* 2024-05-01T09:00:00Z, then 7 seconds per record. */
static inline int64_t fixed_now(void *ctx)
{
	int *tick = ctx;

	return 1714554000 + 7 * (*tick)++;
}

/* The transcript key's seed: ctx's first byte repeated, so two ceremonies can differ. */
static int test_seed_byte = 0x42;
static inline void fixed_random(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	memset(buf, test_seed_byte, len);
}

static const struct transcript_actor ADMIN = { "administrator", "Alice Example" };
static const struct transcript_actor SYSTEM = { "system", "ceremony" };

static inline char *scratch_dir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = malloc(512);

	if (dir == NULL)
		return NULL;
	snprintf(dir, 512, "%s/transcript-test.XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

static inline void scratch_path(char *out, size_t len, const char *dir, const char *name)
{
	if (snprintf(out, len, "%s/%s", dir, name) >= (int)len)
		out[0] = '\0'; /* an empty path fails loudly in the caller */
}

static inline void remove_tree(const char *dir, const char *const *names)
{
	char p[600];

	for (size_t i = 0; names[i] != NULL; i++) {
		scratch_path(p, sizeof(p), dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static inline unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static inline void fill_start(struct transcript_start *s, const char *id)
{
	memset(s, 0, sizeof(*s));
	s->ceremony_id = id;
	s->title = "SMKI key generation (rehearsal)";
	memset(s->script_sha256, 0x5c, 32);
	memset(s->image_sha256, 0x1a, 32);
	s->rehearsal = 1;
}

static inline void hex32(const unsigned char *d, char out[65])
{
	sodium_bin2hex(out, 65, d, 32);
}

/* key's DER SubjectPublicKeyInfo as hex (malloc'ed) and its SHA-256 as hex. */
static inline char *spki_hex(EVP_PKEY *key, char fpr[65])
{
	unsigned char *der = NULL, d[32];
	int n = i2d_PUBKEY(key, &der);
	char *hex;

	assert_true(n > 0);
	hex = malloc(2 * (size_t)n + 1);
	assert_non_null(hex);
	sodium_bin2hex(hex, 2 * (size_t)n + 1, der, (size_t)n);
	crypto_hash_sha256(d, der, (unsigned long long)n);
	hex32(d, fpr);
	OPENSSL_free(der);
	return hex;
}

/* Appends a record that must be accepted; data is stolen. */
static inline void append(struct transcript *t, const char *step,
			  const struct transcript_actor *a, const char *event, json_t *data)
{
	enum transcript_err e = transcript_append(t, step, a, event, data);

	if (e != TRANSCRIPT_OK)
		fail_msg("%s: %s: %s", event, transcript_strerror(e), transcript_detail(t));
	json_decref(data);
}

/* A transcript being written in a scratch directory, with the fixed clock (or now) and key. */
struct scratch {
	char *dir;
	char path[600];
	int tick;
	struct transcript_env env;
	struct transcript *t;
};

static inline void scratch_open(struct scratch *s, const char *id, int64_t (*now)(void *))
{
	struct transcript_start st;

	s->dir = scratch_dir();
	assert_non_null(s->dir);
	scratch_path(s->path, sizeof(s->path), s->dir, "t.jsonl");
	s->tick = 0;
	s->env.now = now ? now : fixed_now;
	s->env.random = fixed_random;
	s->env.ctx = &s->tick;
	fill_start(&st, id);
	s->t = NULL;
	assert_int_equal(transcript_create(&s->t, s->path, NULL, &st, "1", &ADMIN, &s->env),
			 TRANSCRIPT_OK);
}

/* Verifies the file at path (with artifacts unless NULL). */
static inline enum transcript_err verify_path(const char *path, const char *artifacts,
					      struct transcript_summary *sum,
					      struct transcript_failure *f)
{
	struct transcript_verify_opts opts = { artifacts, NULL, NULL };
	unsigned char *buf;
	size_t len = 0;
	enum transcript_err e;

	buf = slurp(path, &len);
	assert_non_null(buf);
	e = transcript_verify(buf, len, &opts, sum, f);
	free(buf);
	return e;
}

static inline void scratch_done(struct scratch *s)
{
	transcript_free(s->t);
	unlink(s->path);
	rmdir(s->dir);
	free(s->dir);
}

#endif
