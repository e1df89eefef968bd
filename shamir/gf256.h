/*
 * GF(256) with the AES (and SLIP-39) reduction polynomial x^8 + x^4 + x^3 + x + 1.
 *
 * Every function is constant time in both operands: no table is indexed by an operand and no
 * branch depends on one, so shares and secrets may be passed directly.
 */
#ifndef SHAMIR_GF256_H
#define SHAMIR_GF256_H

#include <stdint.h>

/* a + b, which is also a - b. */
uint8_t gf256_add(uint8_t a, uint8_t b);

/* a * b, by shift-and-add with masks. */
uint8_t gf256_mul(uint8_t a, uint8_t b);

/* The multiplicative inverse, as a^254; gf256_inv(0) is 0 (callers never divide by zero). */
uint8_t gf256_inv(uint8_t a);

#endif
