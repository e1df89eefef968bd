/*
 * Bytewords (Blockchain Commons BCR-2020-012), as UR uses them: each byte is one of 256 four-letter
 * words, and the body is followed by its CRC-32 (big-endian) as four more words. The minimal
 * style keeps each word's first and last letter; the standard style separates whole words with
 * spaces, the URI style with hyphens. The word list is the reference implementations' (bc-ur),
 * not the 2020 paper's. Decoding is case-insensitive.
 */
#ifndef MEDIA_BYTEWORDS_H
#define MEDIA_BYTEWORDS_H

#include <stddef.h>

enum media_bytewords_style { MEDIA_BYTEWORDS_MINIMAL, MEDIA_BYTEWORDS_STANDARD, MEDIA_BYTEWORDS_URI };

/* The word for a byte (four lower-case letters, NUL-terminated). */
const char *media_byteword(unsigned char byte);

/* Characters needed to encode len bytes (without the NUL). */
size_t media_bytewords_encoded_len(size_t len, enum media_bytewords_style style);

/* Encodes data and its checksum, lower-case, NUL-terminated. Returns MEDIA_OK or MEDIA_E_TOOBIG
 * (out too small). */
enum media_err media_bytewords_encode(const unsigned char *data, size_t len,
				      enum media_bytewords_style style, char *out, size_t outlen);

/* Decodes text (exactly textlen characters, no NUL needed) into out and checks the checksum.
 * Returns MEDIA_OK, MEDIA_E_BYTEWORDS (bad word, bad length, checksum), MEDIA_E_TOOBIG (out too
 * small). On failure *outlen_used is 0 and out holds nothing meaningful. */
enum media_err media_bytewords_decode(const char *text, size_t textlen,
				      enum media_bytewords_style style, unsigned char *out,
				      size_t outlen, size_t *outlen_used);

#endif
