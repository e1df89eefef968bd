#include "ceremony/base/utf8.h"

#include <stdint.h>

/* Decodes one character at buf (len > 0). Returns its length, or 0 for a malformed sequence:
 * a stray continuation byte, a truncated sequence, an overlong form, a surrogate, or a value
 * above U+10FFFF. */
static size_t decode(const unsigned char *buf, size_t len, uint32_t *cp)
{
	unsigned char b = buf[0];
	size_t n;
	uint32_t v, min;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2, v = b & 0x1Fu, min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3, v = b & 0x0Fu, min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4, v = b & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((buf[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (buf[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static int printable(uint32_t cp, unsigned flags)
{
	if (cp == '\n')
		return (flags & UTF8_NEWLINE) != 0;
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return 0;
	/* Invisible or direction-changing: ZWSP..RLM, LS..RLO, WJ..invisible plus, LRI..PDI. */
	if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F))
		return 0;
	if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB))
		return 0;
	/* Noncharacters, and the tag characters that hide text inside other text. */
	if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
		return 0;
	if (cp >= 0xE0000 && cp <= 0xE007F)
		return 0;
	return 1;
}

int utf8_printable(const unsigned char *buf, size_t len, unsigned flags, size_t *bad)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = decode(buf + i, len - i, &cp);

		if (n == 0 || !printable(cp, flags)) {
			if (bad != NULL)
				*bad = i;
			return -1;
		}
		i += n;
	}
	return 0;
}

size_t utf8_columns(const char *s, size_t len)
{
	size_t cols = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cols++;
	return cols;
}

size_t utf8_prefix(const char *s, size_t len, size_t cols)
{
	size_t i, seen = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (seen == cols)
				break;
			seen++;
		}
	}
	return i;
}
