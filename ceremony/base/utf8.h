/*
 * Text that people read: every script, answers file and typed answer must be printable UTF-8.
 * "Printable" here is stricter than the Unicode general categories: besides control characters it
 * refuses the invisible and direction-changing characters that let a reviewer see one text while
 * the program reads another (bidi overrides and isolates, zero-width characters, BOM, line and
 * paragraph separators, tag characters, noncharacters). Tab and CR are refused too.
 *
 * The text may be secret (a typed passphrase, an answers file): it is only read, never copied or
 * printed; only the offset of the first refused byte is given out. The time taken depends on the
 * text, so secrets are compared elsewhere (copyback.h). Nothing is allocated and nothing fails.
 */
#ifndef CEREMONY_UTF8_H
#define CEREMONY_UTF8_H

#include <stddef.h>

/* Allow LF (U+000A) inside the text. */
#define UTF8_NEWLINE 1u

/* Returns 0 when buf[0..len) is well-formed UTF-8 (shortest form, no surrogates, at most
 * U+10FFFF) made of printable characters (and LF with UTF8_NEWLINE). Otherwise returns -1 and, if
 * bad is not NULL, stores the offset of the first offending byte. A NUL byte is never printable. */
int utf8_printable(const unsigned char *buf, size_t len, unsigned flags, size_t *bad);

/* Code points in a valid UTF-8 string: the columns it takes on a terminal or a printed page,
 * for the scripts this program accepts (no combining or double-width handling). */
size_t utf8_columns(const char *s, size_t len);

/* The byte length of the longest prefix of s (valid UTF-8) taking at most cols columns, cut
 * only between characters. */
size_t utf8_prefix(const char *s, size_t len, size_t cols);

#endif
