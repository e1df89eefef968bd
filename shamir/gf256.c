#include "shamir/gf256.h"

#include "shamir/ct.h"

/* Arithmetic is done in unsigned int so that the masks below are plain integer operations; the
 * result of each step fits in 8 bits again. */

uint8_t gf256_add(uint8_t a, uint8_t b)
{
	return (uint8_t)(a ^ b);
}

uint8_t gf256_mul(uint8_t a, uint8_t b)
{
	unsigned int x = a, y = b, r = 0;

	for (int i = 0; i < 8; i++) {
		/* r += x when bit i of b is set; the mask is all ones or all zeros. */
		r ^= x & ct_mask32((y >> i) & 1u);
		/* x *= X, reduced by 0x11B when the top bit falls off. */
		x = ((x << 1) ^ (0x1Bu & ct_mask32(x >> 7))) & 0xFFu;
	}
	return (uint8_t)r;
}

uint8_t gf256_inv(uint8_t a)
{
	/* a^254 = a^2 * a^4 * ... * a^128 (254 = 0b11111110); the exponent is public. */
	uint8_t sq = gf256_mul(a, a);
	uint8_t r = sq;

	for (int i = 0; i < 6; i++) {
		sq = gf256_mul(sq, sq);
		r = gf256_mul(r, sq);
	}
	return r;
}
