/*
 * Known-answer self-tests, run by `ceremony selftest` (the image runs it at boot, before any
 * ceremony) and again at every go/no-go, where a failure is NO-GO that not even a rehearsal
 * may override:
 *   sha256   FIPS 180-2 "abc";
 *   slip39   published vectors 1, 4, 18 and 20 combine to their secrets, 2 (checksum) and 13
 *            (digest) are refused, and every pair of a 2-of-3 split combines back;
 *   rfc5649  the RFC's two wrap examples both ways, and a damaged wrap refused;
 *   ed25519  RFC 8032 test 1, a transcript signature message (docs/transcript.md) signed with
 *            that key against an independently computed signature, a throw-away key through
 *            PKCS #8 and back;
 *   ecdsa    NIST's P-256/SHA-256 example signature verifies and a changed message fails;
 *            throw-away P-256 and P-384 keys through PKCS #8 sign, and verify;
 *   random   two draws from the generator differ.
 * No secret is involved: the inputs are public test data and throw-away keys.
 */
#ifndef CEREMONY_SELFTEST_H
#define CEREMONY_SELFTEST_H

#include <stddef.h>

/* One test's outcome. */
struct selftest_result {
	const char *name;
	int passed;
};

#define SELFTEST_COUNT 6

/* Runs every test; results (may be NULL) receives SELFTEST_COUNT outcomes. detail receives one
 * line ("6 of 6 passed" or the failed tests' names). Returns 0 when all passed, -1 otherwise. */
int selftest_run_all(struct selftest_result results[SELFTEST_COUNT], char *detail, size_t len);

/* The same without the per-test outcomes. */
int selftest_run(char *detail, size_t len);

#endif
