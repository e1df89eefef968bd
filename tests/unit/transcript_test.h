/* Helpers shared by the transcript unit tests: a scratch directory, a fixed clock, a fixed
 * transcript key, and reading a transcript back. Header-only: each test is its own binary. */
#ifndef TESTS_TRANSCRIPT_TEST_H
#define TESTS_TRANSCRIPT_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/transcript.h"

/* 2024-05-01T09:00:00Z, then 7 seconds per record. */
static int64_t fixed_now(void *ctx)
{
	int *tick = ctx;

	return 1714554000 + 7 * (*tick)++;
}

/* The transcript key's seed: ctx's first byte repeated, so two ceremonies can differ. */
static int test_seed_byte = 0x42;
static void fixed_random(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	memset(buf, test_seed_byte, len);
}

static const struct transcript_actor ADMIN = { "administrator", "Alice Example" };
static const struct transcript_actor SYSTEM = { "system", "ceremony" };

static char *scratch_dir(void)
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

static void scratch_path(char *out, size_t len, const char *dir, const char *name)
{
	if (snprintf(out, len, "%s/%s", dir, name) >= (int)len)
		out[0] = '\0'; /* an empty path fails loudly in the caller */
}

static void remove_tree(const char *dir, const char *const *names)
{
	char p[600];

	for (size_t i = 0; names[i] != NULL; i++) {
		scratch_path(p, sizeof(p), dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static unsigned char *slurp(const char *path, size_t *len)
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

static void fill_start(struct transcript_start *s, const char *id)
{
	memset(s, 0, sizeof(*s));
	s->ceremony_id = id;
	s->title = "SMKI key generation (rehearsal)";
	memset(s->script_sha256, 0x5c, 32);
	memset(s->image_sha256, 0x1a, 32);
	s->rehearsal = 1;
}

#endif
