/* Typed words and passphrases checked without a branch or a memory index on their contents
 * (ceremony/copyback.h). */
#include "ceremony/copyback.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/slip39_words.h"

#define NOT_A_WORD 0xFFFEu /* a typed word that is in no list: never equal to a mnemonic's */
#define NO_WORD	   0xFFFFu /* past the last word */

/* All ones for 1, zeros for 0. The empty asm keeps the optimiser from turning the mask back into
 * a branch. */
static uint64_t mask(uint64_t bit)
{
	uint64_t m = 0u - bit;

	__asm__("" : "+r"(m));
	return m;
}

static uint64_t is_zero(uint64_t x)
{
	return 1u ^ ((x | (0u - x)) >> 63);
}

static uint64_t eq(uint64_t a, uint64_t b)
{
	return is_zero(a ^ b);
}

/* 1 when a < b, for any two values. */
static uint64_t lt(uint64_t a, uint64_t b)
{
	uint64_t z = a - b;

	return (z ^ ((a ^ b) & (b ^ z))) >> 63;
}

/* The value of the word whose letters are packed in w (p of them, zero-padded), or NOT_A_WORD:
 * every word of the list is compared, the typed letters against as many of its own. */
static uint64_t lookup(uint64_t w, uint64_t p, uint64_t junk)
{
	uint64_t letters = 0, value = 0, found = 0, ok;

	for (unsigned q = 0; q < SLIP39_WORD_MAX; q++)
		letters |= ((uint64_t)0xFF << (8 * q)) & mask(lt(q, p));
	for (unsigned i = 0; i < SLIP39_WORDS; i++) {
		uint64_t word = 0, hit;
		/* The list is public: its index and length are not secrets. */
		const char *s = slip39_word(i);
		size_t len = strlen(s);

		memcpy(&word, s, len);
		hit = is_zero(w ^ (word & letters)) & (1u ^ lt(p, SLIP39_WORD_PREFIX)) &
		      (1u ^ lt(len, p));
		value |= i & mask(hit);
		found |= hit;
	}
	ok = found & (1u ^ junk);
	return (value & mask(ok)) | (NOT_A_WORD & ~mask(ok));
}

/* The values of text's words, NO_WORD past the last one. One pass over every byte, and one look
 * at the list for each, whatever the text. */
static void parse(const char *text, size_t len, uint64_t values[COPYBACK_WORDS_MAX])
{
	uint64_t in_word = 0, k = 0, p = 0, w = 0, junk = 0;

	for (unsigned s = 0; s < COPYBACK_WORDS_MAX; s++)
		values[s] = NO_WORD;
	/* A space after the last byte ends the last word. */
	for (size_t j = 0; j <= len; j++) {
		uint64_t c = j < len ? (uint8_t)text[j] : ' ';
		uint64_t space = eq(c, ' ') | lt(c - '\t', 5); /* isspace in the C locale */
		uint64_t ends = space & in_word, starts = (1u ^ space) & (1u ^ in_word);
		uint64_t v = lookup(w, p, junk), letter;

		for (unsigned s = 0; s < COPYBACK_WORDS_MAX; s++)
			values[s] ^= (values[s] ^ v) & mask(ends & eq(s + 1, k));
		k += starts;
		w &= ~mask(starts);
		p &= ~mask(starts);
		junk &= ~mask(starts);
		/* A letter of the word: lower case, and only a to z; a ninth one is too many. */
		c |= 0x20u & mask(lt(c - 'A', 26));
		letter = lt(c - 'a', 26);
		in_word = 1u ^ space;
		junk |= in_word & ((1u ^ letter) | (1u ^ lt(p, SLIP39_WORD_MAX)));
		for (unsigned q = 0; q < SLIP39_WORD_MAX; q++)
			w |= (c << (8 * q)) & mask(in_word & eq(q, p));
		p += in_word;
	}
	sodium_memzero(&w, sizeof(w));
}

size_t copyback_compare(const char *typed, size_t tlen, const char *mnemonic, size_t mlen)
{
	uint64_t t[COPYBACK_WORDS_MAX], m[COPYBACK_WORDS_MAX], first = 0, seen = 0;

	parse(typed, tlen, t);
	parse(mnemonic, mlen, m);
	for (unsigned s = 0; s < COPYBACK_WORDS_MAX; s++) {
		uint64_t bad = (1u ^ eq(t[s], m[s])) | eq(t[s], NOT_A_WORD);

		first |= (s + 1u) & mask(bad & (1u ^ seen));
		seen |= bad;
	}
	sodium_memzero(t, sizeof(t));
	sodium_memzero(m, sizeof(m));
	return (size_t)first;
}

int copyback_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && sodium_memcmp(a, b, alen) == 0;
}
