/*
 * For the transcript targets: a transcript's hash chain repaired, as a forger would (each line's
 * trailing "prev":"<hex>"} set to the SHA-256 of the line before), so that mutations of several
 * records get past the chain, up to the first signature they break, instead of the verifier
 * stopping at the record after the first one changed. Included once per target; needs
 * sodium_init (tests/fuzz/fuzz_sodium.h).
 */
#ifndef TESTS_FUZZ_FUZZ_CHAIN_H
#define TESTS_FUZZ_FUZZ_CHAIN_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rewrites in place the 64 hex digits of every line's trailing "prev":"..."} but the first's. */
static void fuzz_chain_repair(uint8_t *buf, size_t size)
{
	static const char tail[] = "\"prev\":\"";
	const size_t tl = sizeof(tail) - 1, end = tl + 64 + 2; /* "prev":" hex64 "} */
	size_t prev_start = 0, pos = 0;
	int first = 1;

	while (pos < size) {
		uint8_t *nl = memchr(buf + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (buf + pos)) : size - pos;
		uint8_t *line = buf + pos;

		if (!first && len >= end && memcmp(line + len - end, tail, tl) == 0) {
			unsigned char h[crypto_hash_sha256_BYTES];
			char hex[2 * sizeof(h) + 1];

			crypto_hash_sha256(h, buf + prev_start, pos - 1 - prev_start);
			sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
			memcpy(line + len - end + tl, hex, 64);
		}
		first = 0;
		prev_start = pos;
		pos += len + 1;
	}
}

/* fn on the input as it is when its length is even, else on a copy with the chain repaired.
 * One verification per input, not two, halves the cost of a run (these are the slowest
 * targets); the length is the fuzzer's to choose, so both paths stay in reach of every input. */
static void fuzz_chain_one(const uint8_t *data, size_t size,
			   void (*fn)(const uint8_t *data, size_t size))
{
	uint8_t *copy;

	if (size % 2 == 0 || (copy = malloc(size)) == NULL) {
		fn(data, size);
		return;
	}
	memcpy(copy, data, size);
	fuzz_chain_repair(copy, size);
	fn(copy, size);
	free(copy);
}

#endif
