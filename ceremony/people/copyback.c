/* Typed words and passphrases checked without a branch or a memory index on their contents
 * (ceremony/people/copyback.h); the words are read by shamir/slip39_words.c. */
#include "ceremony/people/copyback.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/ct.h"

/* The 1-based position of the first slot whose bit is set in bad, or 0. */
static size_t first(const uint64_t bad[COPYBACK_WORDS_MAX])
{
	uint64_t pos = 0;

	for (size_t s = COPYBACK_WORDS_MAX; s-- > 0;)
		pos ^= (pos ^ (s + 1)) & ct_mask64(bad[s]);
	return (size_t)pos;
}

size_t copyback_compare(const char *typed, size_t tlen, const char *mnemonic, size_t mlen)
{
	uint16_t t[COPYBACK_WORDS_MAX], m[COPYBACK_WORDS_MAX];
	uint64_t bad[COPYBACK_WORDS_MAX];
	size_t pos;

	slip39_words_parse(typed, tlen, SLIP39_TEXT_TYPED, t, COPYBACK_WORDS_MAX);
	slip39_words_parse(mnemonic, mlen, SLIP39_TEXT_TYPED, m, COPYBACK_WORDS_MAX);
	for (size_t s = 0; s < COPYBACK_WORDS_MAX; s++)
		bad[s] = (1u ^ ct_eq64(t[s], m[s])) | ct_eq64(t[s], SLIP39_WORD_BAD);
	pos = first(bad);
	sodium_memzero(t, sizeof(t));
	sodium_memzero(m, sizeof(m));
	sodium_memzero(bad, sizeof(bad));
	return pos;
}

size_t copyback_mnemonic(const char *typed, size_t tlen, char out[COPYBACK_MNEMONIC_MAX],
			 size_t *outlen, size_t *bad)
{
	uint16_t v[COPYBACK_WORDS_MAX];
	uint64_t b[COPYBACK_WORDS_MAX];
	size_t n = slip39_words_parse(typed, tlen, SLIP39_TEXT_TYPED, v, COPYBACK_WORDS_MAX);

	for (size_t s = 0; s < COPYBACK_WORDS_MAX; s++)
		b[s] = ct_eq64(v[s], SLIP39_WORD_BAD);
	*bad = first(b);
	*outlen = slip39_words_text(v, COPYBACK_WORDS_MAX, out);
	sodium_memzero(v, sizeof(v));
	sodium_memzero(b, sizeof(b));
	return n;
}

int copyback_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && sodium_memcmp(a, b, alen) == 0;
}
