/*
 * Internal to shamir/ (and ceremony/people/copyback.c, which checks typed share words): masks for
 * constant-time selection. An optimiser that can prove a mask is all ones or all zeros may turn
 * "x & mask" back into a branch (clang does so in a lookup loop); the empty asm hides the mask's
 * value from it, at no cost.
 */
#ifndef SHAMIR_CT_H
#define SHAMIR_CT_H

#include <stddef.h>
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

/* 1 when a == b. */
static inline uint64_t ct_eq64(uint64_t a, uint64_t b)
{
	return ct_is_zero64(a ^ b);
}

/* 1 when a < b (unsigned), for any two values. */
static inline uint64_t ct_lt64(uint64_t a, uint64_t b)
{
	uint64_t z = a - b;

	return (z ^ ((a ^ b) & (b ^ z))) >> 63;
}

/*
 * Marks len bytes at p as public from here on: a value computed from secrets that the program
 * may branch on because it is shown or told anyway (a checksum's verdict, the position of a
 * wrong word, a share's public metadata). It does nothing; it is a function of its own (never
 * inlined) so that the constant-time checks (tests/ct/ct.h) can put valgrind's "this is
 * defined" in its place, and every such place is named in the code.
 */
void ct_declassify(const void *p, size_t len);

#endif
