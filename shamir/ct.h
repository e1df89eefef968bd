/*
 * Internal to shamir/: masks for constant-time selection. An optimiser that can prove a mask is
 * all ones or all zeros may turn "x & mask" back into a branch (clang does so in a lookup loop);
 * the empty asm hides the mask's value from it, at no cost.
 */
#ifndef SHAMIR_CT_H
#define SHAMIR_CT_H

#include <stdint.h>

/* All ones when bit is 1, all zeros when it is 0. */
static inline uint32_t ct_mask32(uint32_t bit)
{
	uint32_t m = 0u - bit;

	__asm__("" : "+r"(m));
	return m;
}

static inline uint64_t ct_mask64(uint64_t bit)
{
	uint64_t m = 0u - bit;

	__asm__("" : "+r"(m));
	return m;
}

/* 1 when x is 0, else 0. */
static inline uint64_t ct_is_zero64(uint64_t x)
{
	return 1u ^ ((x | (0u - x)) >> 63);
}

#endif
