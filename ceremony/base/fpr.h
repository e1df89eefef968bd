/*
 * Fingerprints for people: digests rendered so that witnesses can read them aloud and copy them
 * onto paper. Only public values (digests of public keys, certificates, transcripts) go here.
 * A call that fails (out too small) leaves a NUL-terminated prefix in out that must not be shown.
 */
#ifndef CEREMONY_FPR_H
#define CEREMONY_FPR_H

#include <stddef.h>

/* Longest word in either table, without the NUL. */
#define FPR_WORD_MAX 11
/* Buffer sizes for a 32-byte digest: 32 words and 31 spaces; 16 groups of 4 hex and 15 spaces. */
#define FPR_WORDS_32 (32 * (FPR_WORD_MAX + 1))
#define FPR_HEX_32 (32 * 2 + 15 + 1)

/* The PGP word for a byte at a position (even positions use the even table). */
const char *fpr_word(unsigned char byte, size_t position);

/* Space-separated PGP words for data. Returns 0, or -1 when out is too small (out then holds a
 * truncated, NUL-terminated prefix that must not be shown). */
int fpr_words(const unsigned char *data, size_t len, char *out, size_t outlen);

/* Upper-case hex in groups of four digits ("3F2A 9C01 ..."). Returns 0, or -1 when out is too
 * small. */
int fpr_hex(const unsigned char *data, size_t len, char *out, size_t outlen);

/* The inverse, for what people type and scripts carry: exactly n bytes written as 2n hex digits
 * in either case, either all together or grouped as fpr_hex prints them (groups of four digits,
 * one space between groups, nothing before or after). Returns 0, or -1 when s[0..len) is
 * neither (out is then unspecified). */
int fpr_parse_hex(const char *s, size_t len, unsigned char *out, size_t n);

/* Reads a 32-byte value back as a person copied it from the screen: 64 hex digits in either
 * case, with or without spaces between them (fpr_hex's groups), or 32 PGP words in either case
 * separated by spaces, each word from the table of its position (so a swapped or dropped word
 * is refused, not misread). Nothing but letters, digits and spaces; at most FPR_PARSE_MAX
 * bytes. Returns 0, or -1 (out then holds nothing usable). */
#define FPR_PARSE_MAX 1024
int fpr_parse32(const char *s, size_t len, unsigned char out[32]);

#endif
