#include "shamir/rs1024.h"

#include "shamir/ct.h"

/* The generator from the SLIP-39 specification. */
static const uint32_t gen[10] = {
	0x00E0E040, 0x01C1C080, 0x03838100, 0x07070200, 0x0E0E0009,
	0x1C0C2412, 0x38086C24, 0x3090FC48, 0x21B1F890, 0x03F3F120,
};

static uint32_t step(uint32_t chk, uint32_t v)
{
	uint32_t b = chk >> 20;

	chk = ((chk & 0xFFFFFu) << 10) ^ v;
	/* Masks instead of "if bit i of b": b depends on the words, which may be secret. */
	for (unsigned int i = 0; i < 10; i++)
		chk ^= gen[i] & ct_mask32((b >> i) & 1u);
	return chk;
}

static uint32_t polymod(int extendable, const uint16_t *words, size_t n, size_t zeros)
{
	/* Both customization strings, then a mask: the extendable flag is in the words. */
	uint32_t chk = 1, ext, m = ct_mask32((uint32_t)extendable & 1u);

	for (const char *s = "shamir"; *s != '\0'; s++)
		chk = step(chk, (uint8_t)*s);
	ext = chk;
	for (const char *s = "_extendable"; *s != '\0'; s++)
		ext = step(ext, (uint8_t)*s);
	chk = (ext & m) | (chk & ~m);
	for (size_t i = 0; i < n; i++)
		chk = step(chk, words[i] & 0x3FFu);
	for (size_t i = 0; i < zeros; i++)
		chk = step(chk, 0);
	return chk;
}

void rs1024_create(int extendable, const uint16_t *data, size_t n,
		   uint16_t checksum[RS1024_CHECKSUM_WORDS])
{
	uint32_t pm = polymod(extendable, data, n, RS1024_CHECKSUM_WORDS) ^ 1u;

	for (unsigned int i = 0; i < RS1024_CHECKSUM_WORDS; i++)
		checksum[i] = (uint16_t)((pm >> (10 * (2 - i))) & 0x3FFu);
}

int rs1024_verify(int extendable, const uint16_t *words, size_t n)
{
	return polymod(extendable, words, n, 0) == 1;
}
