#include "media/bytewords.h"

#include <sodium.h>
#include <string.h>

#include "media/error.h"
#include "media/fountain.h"

/* The word list of the reference implementations (bc-ur src/bytewords.cpp and every maintained
 * port), in byte order: alphabetical. The list printed in the 2020 BCR-2020-012 paper has
 * 0x85..0x87 and 0xfb..0xff in another order and is not what anyone else speaks. Every word's first
 * and last letters are unique, which is what the minimal style relies on. */
static const char words[256][5] = {
    "able", "acid", "also", "apex", "aqua", "arch", "atom", "aunt", /* 0x00 */
    "away", "axis", "back", "bald", "barn", "belt", "beta", "bias", /* 0x08 */
    "blue", "body", "brag", "brew", "bulb", "buzz", "calm", "cash", /* 0x10 */
    "cats", "chef", "city", "claw", "code", "cola", "cook", "cost", /* 0x18 */
    "crux", "curl", "cusp", "cyan", "dark", "data", "days", "deli", /* 0x20 */
    "dice", "diet", "door", "down", "draw", "drop", "drum", "dull", /* 0x28 */
    "duty", "each", "easy", "echo", "edge", "epic", "even", "exam", /* 0x30 */
    "exit", "eyes", "fact", "fair", "fern", "figs", "film", "fish", /* 0x38 */
    "fizz", "flap", "flew", "flux", "foxy", "free", "frog", "fuel", /* 0x40 */
    "fund", "gala", "game", "gear", "gems", "gift", "girl", "glow", /* 0x48 */
    "good", "gray", "grim", "guru", "gush", "gyro", "half", "hang", /* 0x50 */
    "hard", "hawk", "heat", "help", "high", "hill", "holy", "hope", /* 0x58 */
    "horn", "huts", "iced", "idea", "idle", "inch", "inky", "into", /* 0x60 */
    "iris", "iron", "item", "jade", "jazz", "join", "jolt", "jowl", /* 0x68 */
    "judo", "jugs", "jump", "junk", "jury", "keep", "keno", "kept", /* 0x70 */
    "keys", "kick", "kiln", "king", "kite", "kiwi", "knob", "lamb", /* 0x78 */
    "lava", "lazy", "leaf", "legs", "liar", "limp", "lion", "list", /* 0x80 */
    "logo", "loud", "love", "luau", "luck", "lung", "main", "many", /* 0x88 */
    "math", "maze", "memo", "menu", "meow", "mild", "mint", "miss", /* 0x90 */
    "monk", "nail", "navy", "need", "news", "next", "noon", "note", /* 0x98 */
    "numb", "obey", "oboe", "omit", "onyx", "open", "oval", "owls", /* 0xa0 */
    "paid", "part", "peck", "play", "plus", "poem", "pool", "pose", /* 0xa8 */
    "puff", "puma", "purr", "quad", "quiz", "race", "ramp", "real", /* 0xb0 */
    "redo", "rich", "road", "rock", "roof", "ruby", "ruin", "runs", /* 0xb8 */
    "rust", "safe", "saga", "scar", "sets", "silk", "skew", "slot", /* 0xc0 */
    "soap", "solo", "song", "stub", "surf", "swan", "taco", "task", /* 0xc8 */
    "taxi", "tent", "tied", "time", "tiny", "toil", "tomb", "toys", /* 0xd0 */
    "trip", "tuna", "twin", "ugly", "undo", "unit", "urge", "user", /* 0xd8 */
    "vast", "very", "veto", "vial", "vibe", "view", "visa", "void", /* 0xe0 */
    "vows", "wall", "wand", "warm", "wasp", "wave", "waxy", "webs", /* 0xe8 */
    "what", "when", "whiz", "wolf", "work", "yank", "yawn", "yell", /* 0xf0 */
    "yoga", "yurt", "zaps", "zero", "zest", "zinc", "zone", "zoom", /* 0xf8 */
};

const char *media_byteword(unsigned char byte)
{
	return words[byte];
}

size_t media_bytewords_encoded_len(size_t len, enum media_bytewords_style style)
{
	size_t n = len + 4;

	return style == MEDIA_BYTEWORDS_MINIMAL ? 2 * n : 5 * n - 1;
}

enum media_err media_bytewords_encode(const unsigned char *data, size_t len,
				      enum media_bytewords_style style, char *out, size_t outlen)
{
	unsigned char crc[4];
	uint32_t c = media_crc32(data, len);
	size_t used = 0;

	if (outlen < media_bytewords_encoded_len(len, style) + 1)
		return MEDIA_E_TOOBIG;
	crc[0] = (unsigned char)(c >> 24);
	crc[1] = (unsigned char)(c >> 16);
	crc[2] = (unsigned char)(c >> 8);
	crc[3] = (unsigned char)c;
	for (size_t i = 0; i < len + 4; i++) {
		const char *w = words[i < len ? data[i] : crc[i - len]];

		if (style == MEDIA_BYTEWORDS_MINIMAL) {
			out[used++] = w[0];
			out[used++] = w[3];
		} else {
			if (i > 0)
				out[used++] = style == MEDIA_BYTEWORDS_URI ? '-' : ' ';
			memcpy(out + used, w, 4);
			used += 4;
		}
	}
	out[used] = '\0';
	return MEDIA_OK;
}

static int lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Byte value of a word given its letters (2 for minimal, 4 for standard), or -1. */
static int word_value(const char *w, size_t n)
{
	int first = lower(w[0]), last = lower(w[n - 1]);

	if (first < 'a' || first > 'z' || last < 'a' || last > 'z')
		return -1;
	for (int b = 0; b < 256; b++) {
		const char *c = words[b];

		if (c[0] != first || c[3] != last)
			continue;
		if (n == 4 && (lower(w[1]) != c[1] || lower(w[2]) != c[2]))
			return -1;
		return b;
	}
	return -1;
}

enum media_err media_bytewords_decode(const char *text, size_t textlen,
				      enum media_bytewords_style style, unsigned char *out,
				      size_t outlen, size_t *outlen_used)
{
	size_t step = style == MEDIA_BYTEWORDS_MINIMAL ? 2 : 5;
	size_t wl = style == MEDIA_BYTEWORDS_MINIMAL ? 2 : 4;
	size_t count, body;
	unsigned char crc[4];
	uint32_t c;

	*outlen_used = 0;
	/* Standard and URI styles: n words take 5n - 1 characters. */
	if (style == MEDIA_BYTEWORDS_MINIMAL ? textlen % 2 != 0 : (textlen + 1) % 5 != 0)
		return MEDIA_E_BYTEWORDS;
	count = style == MEDIA_BYTEWORDS_MINIMAL ? textlen / 2 : (textlen + 1) / 5;
	if (count < 5)
		return MEDIA_E_BYTEWORDS;
	body = count - 4;
	if (body > outlen)
		return MEDIA_E_TOOBIG;
	for (size_t i = 0; i < count; i++) {
		const char *w = text + i * step;
		int v;

		if (style != MEDIA_BYTEWORDS_MINIMAL && i + 1 < count &&
		    w[4] != (style == MEDIA_BYTEWORDS_URI ? '-' : ' '))
			goto bad;
		v = word_value(w, wl);
		if (v < 0)
			goto bad;
		if (i < body)
			out[i] = (unsigned char)v;
		else
			crc[i - body] = (unsigned char)v;
	}
	c = media_crc32(out, body);
	if (crc[0] != (unsigned char)(c >> 24) || crc[1] != (unsigned char)(c >> 16) ||
	    crc[2] != (unsigned char)(c >> 8) || crc[3] != (unsigned char)c)
		goto bad;
	*outlen_used = body;
	return MEDIA_OK;
bad:
	/* What was decoded so far may be part of a secret. */
	sodium_memzero(out, body);
	return MEDIA_E_BYTEWORDS;
}
