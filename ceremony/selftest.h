/*
 * Known-answer self-tests, run by `ceremony selftest` and at every go/no-go (a failure is
 * NO-GO): SHA-256, SLIP-39 (a published vector), RFC 5649 key wrap (the RFC's vectors), Ed25519
 * (RFC 8032 test 1), and an ECDSA P-256 sign/verify pair. No secret is involved: the inputs are
 * public test data and a throw-away key.
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
