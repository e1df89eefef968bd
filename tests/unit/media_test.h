/* Helpers for the media unit tests (header-only: every test_*.c is its own program). */
#ifndef TESTS_MEDIA_TEST_H
#define TESTS_MEDIA_TEST_H

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads tests/<rel> (CEREMONY_TESTDATA points at tests/) into a NUL-terminated malloc'ed
 * buffer; fails the test when it cannot. */
static inline char *read_testdata(const char *rel, size_t *len)
{
	const char *base = getenv("CEREMONY_TESTDATA");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", base ? base : "tests", rel);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The next data line of a vector file (comments and blank lines skipped), NUL-terminated in
 * place; *cursor advances. NULL at the end. */
static inline char *next_line(char **cursor)
{
	while (**cursor) {
		char *line = *cursor, *nl = strchr(line, '\n');

		if (nl) {
			*nl = '\0';
			*cursor = nl + 1;
		} else {
			*cursor = line + strlen(line);
		}
		if (line[0] != '#' && line[0] != '\0')
			return line;
	}
	return NULL;
}

/* Decodes lower-case hex; returns the byte count, or (size_t)-1 on bad input. */
static inline size_t unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	const char *end;

	if (sodium_hex2bin(out, max, hex, strlen(hex), NULL, &n, &end) != 0 || *end != '\0')
		return (size_t)-1;
	return n;
}

#endif
