/* One share: mnemonic text <-> 10-bit words <-> fields and share value. */
#include "shamir/slip39.h"

#include <sodium.h>
#include <string.h>

#include "shamir/ct.h"
#include "shamir/rs1024.h"
#include "shamir/slip39_share.h"

#define META_WORDS 4 /* id 15, ext 1, e 4, GI 4, Gt 4, g 4, I 4, t 4 = 40 bits */
#define RADIX 10
#define WORD_MASK 0x3FFu

/* Padding bits in front of the share value for a mnemonic of n words, or -1 when n is not a
 * possible length: the padding is (10 * value words) mod 16 and must not exceed 8 bits. */
static int padding_bits(size_t n)
{
	size_t v, pad;

	if (n < SLIP39_MNEMONIC_WORDS_MIN || n > SLIP39_MNEMONIC_WORDS_MAX)
		return -1;
	v = n - META_WORDS - RS1024_CHECKSUM_WORDS;
	pad = (RADIX * v) % 16;
	return pad > 8 ? -1 : (int)pad;
}

/* Words for a share value of len bytes. */
static size_t words_for(size_t len)
{
	return META_WORDS + (8 * len + RADIX - 1) / RADIX + RS1024_CHECKSUM_WORDS;
}

/* Fields and value from words[0..n-1], whose length and checksum are already valid. The value
 * is unpacked with shifts by public amounts only. */
static int from_words(const uint16_t *w, size_t n, struct slip39_share *s)
{
	size_t pad = (size_t)padding_bits(n), o = 0;
	size_t end = n - RS1024_CHECKSUM_WORDS;
	uint32_t acc, bits, padded;

	s->id = (uint16_t)((w[0] << 5) | (w[1] >> 5));
	s->extendable = (uint8_t)((w[1] >> 4) & 1u);
	s->iter_exp = (uint8_t)(w[1] & 15u);
	s->group_index = (uint8_t)(w[2] >> 6);
	s->group_threshold = (uint8_t)(((w[2] >> 2) & 15u) + 1);
	s->group_count = (uint8_t)((((w[2] & 3u) << 2) | (w[3] >> 8)) + 1);
	s->member_index = (uint8_t)((w[3] >> 4) & 15u);
	s->member_threshold = (uint8_t)((w[3] & 15u) + 1);
	s->len = ((end - META_WORDS) * RADIX - pad) / 8;

	/* All padding sits in the first value word (pad <= 8 < 10). Whether it is zero is told. */
	padded = (uint32_t)ct_is_zero64(w[META_WORDS] >> (RADIX - pad));
	ct_declassify(&padded, sizeof(padded));
	if (!padded)
		return SLIP39_E_PADDING;
	if (s->group_threshold > s->group_count || s->group_index >= s->group_count)
		return SLIP39_E_GROUP_PARAMS;
	acc = w[META_WORDS] & ((1u << (RADIX - pad)) - 1u);
	bits = (uint32_t)(RADIX - pad);
	for (size_t i = META_WORDS + 1;; i++) {
		while (bits >= 8) {
			bits -= 8;
			s->value[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1u;
		}
		if (i == end)
			break;
		acc = (acc << RADIX) | w[i];
		bits += RADIX;
	}
	sodium_memzero(&acc, sizeof(acc));
	return SLIP39_OK;
}

/* words[0..n-1] for s, checksum included; n = words_for(s->len). */
static void to_words(const struct slip39_share *s, uint16_t *w, size_t n)
{
	size_t end = n - RS1024_CHECKSUM_WORDS, o = META_WORDS;
	uint32_t acc = 0, bits = (uint32_t)padding_bits(n);
	unsigned int gt = s->group_threshold - 1u, g = s->group_count - 1u;

	w[0] = (uint16_t)(s->id >> 5);
	w[1] = (uint16_t)(((s->id & 31u) << 5) | ((s->extendable & 1u) << 4) | s->iter_exp);
	w[2] = (uint16_t)(((unsigned int)s->group_index << 6) | (gt << 2) | (g >> 2));
	w[3] = (uint16_t)(((g & 3u) << 8) | ((unsigned int)s->member_index << 4) |
			  (s->member_threshold - 1u));
	/* The padding bits are the zeros acc starts with. */
	for (size_t i = 0; i < s->len; i++) {
		acc = (acc << 8) | s->value[i];
		bits += 8;
		if (bits >= RADIX) {
			bits -= RADIX;
			w[o++] = (uint16_t)((acc >> bits) & WORD_MASK);
			acc &= (1u << bits) - 1u;
		}
	}
	rs1024_create(s->extendable, w, end, w + end);
	sodium_memzero(&acc, sizeof(acc));
}

void slip39_share_clear(struct slip39_share *s)
{
	if (s->value != NULL) {
		sodium_memzero(s->value, SLIP39_SECRET_MAX);
		sodium_free(s->value);
	}
	sodium_memzero(s, sizeof(*s));
}

enum slip39_err slip39_share_parse(const char *mnemonic, size_t len, struct slip39_share *out, uint8_t *value,
		       size_t *word)
{
	uint16_t w[SLIP39_MNEMONIC_WORDS_MAX];
	size_t n, bad = 0;
	int ret, ok;

	sodium_memzero(out, sizeof(*out));
	if (word != NULL)
		*word = 0;
	/* The text is secret down to its words' lengths; how many words there are, and which is the
	 * first that is in no list, are told to whoever typed it (and the count is the secret's
	 * length, public metadata). */
	n = slip39_words_parse(mnemonic, len, SLIP39_TEXT_MNEMONIC, w, SLIP39_MNEMONIC_WORDS_MAX);
	for (size_t s = SLIP39_MNEMONIC_WORDS_MAX; s-- > 0;)
		bad ^= (bad ^ (s + 1)) & ct_mask64(ct_eq64(w[s], SLIP39_WORD_BAD));
	ct_declassify(&n, sizeof(n));
	ct_declassify(&bad, sizeof(bad));
	if (bad != 0) {
		if (word != NULL)
			*word = bad;
		ret = SLIP39_E_WORD;
		goto out;
	}
	if (padding_bits(n) < 0) {
		ret = SLIP39_E_LENGTH;
		goto out;
	}
	/* The checksum's verdict is told; once it holds, the first four words are the share's
	 * public metadata (identifier, flags, group and member numbers), not its value. */
	ok = rs1024_verify((w[1] >> 4) & 1, w, n);
	ct_declassify(&ok, sizeof(ok));
	if (!ok) {
		ret = SLIP39_E_CHECKSUM;
		goto out;
	}
	ct_declassify(w, META_WORDS * sizeof(w[0]));
	out->value = value;
	ret = from_words(w, n, out);
out:
	sodium_memzero(w, sizeof(w));
	if (ret != SLIP39_OK) {
		sodium_memzero(value, SLIP39_SECRET_MAX);
		sodium_memzero(out, sizeof(*out));
	}
	return ret;
}

enum slip39_err slip39_share_decode(const char *mnemonic, size_t len, struct slip39_share *out, size_t *word)
{
	uint8_t *value = sodium_malloc(SLIP39_SECRET_MAX);
	int ret;

	if (value == NULL) {
		sodium_memzero(out, sizeof(*out));
		if (word != NULL)
			*word = 0;
		return SLIP39_E_NOMEM;
	}
	ret = slip39_share_parse(mnemonic, len, out, value, word);
	if (ret != SLIP39_OK)
		sodium_free(value);
	return ret;
}

enum slip39_err slip39_share_encode(const struct slip39_share *s, char *out, size_t outlen)
{
	uint16_t w[SLIP39_MNEMONIC_WORDS_MAX];
	size_t n;

	if (outlen < SLIP39_MNEMONIC_MAX) {
		sodium_memzero(out, outlen);
		return SLIP39_E_PARAM;
	}
	sodium_memzero(out, SLIP39_MNEMONIC_MAX);
	if (s->len < SLIP39_SECRET_MIN || s->len > SLIP39_SECRET_MAX || s->len % 2 != 0 ||
	    s->id > SLIP39_ID_MAX || s->extendable > 1 || s->iter_exp > SLIP39_ITER_EXP_MAX ||
	    s->group_index > 15 || s->member_index > 15 || s->group_threshold < 1 ||
	    s->group_count < 1 || s->member_threshold < 1 || s->group_count > 16 ||
	    s->member_threshold > 16 || s->group_threshold > s->group_count ||
	    s->group_index >= s->group_count)
		return SLIP39_E_PARAM;
	n = words_for(s->len);
	to_words(s, w, n);
	slip39_words_text(w, n, out);
	sodium_memzero(w, sizeof(w));
	return SLIP39_OK;
}
