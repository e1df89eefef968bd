/*
 * A scanner that accepts exactly the canonical JSON the writer produces (jansson's JSON_COMPACT
 * serialisation, raw UTF-8) and nothing else, and indexes it as tokens without allocating.
 * It lets the verifier check a record's canonical form and read its fields in one pass, at a
 * fraction of the cost of parsing with jansson and re-serialising (tests/fuzz/fuzz_canonical.c
 * checks that the two agree). Internal to the transcript module.
 *
 * Accepted: no whitespace outside strings; strings of valid UTF-8 (no surrogates, nothing above
 * U+10FFFF, no overlong forms) whose only escapes are \" \\ \b \f \n \r \t and \u00XX
 * (upper-case hex) for the other control characters except U+0000, each character escaped
 * exactly when jansson escapes it; integers without a plus sign, leading zeros, fraction or
 * exponent, and not "-0"; true, false, null; objects and arrays. Duplicate keys and key order
 * are not checked here (the verifier checks the order, which rules out duplicates).
 *
 * Nothing here is secret: transcript lines are public. After a scan that fails, *ntok is 0 and
 * the tokens hold nothing usable.
 */
#ifndef CEREMONY_TRANSCRIPT_JSON_H
#define CEREMONY_TRANSCRIPT_JSON_H

#include <stddef.h>
#include <stdint.h>

enum tjson_type { TJ_OBJECT, TJ_ARRAY, TJ_STRING, TJ_INTEGER, TJ_TRUE, TJ_FALSE, TJ_NULL };

/* One value. Objects are followed by their members, each a key token (TJ_STRING) and then
 * the value's tokens; arrays by their items. */
struct tjson_tok {
	uint8_t type;
	uint8_t wide;	 /* TJ_INTEGER: outside the int64 range (value is not valid) */
	uint16_t depth;	 /* 0 for the outermost value */
	uint32_t start;	 /* TJ_STRING: first byte after the quote; else the first byte */
	uint32_t len;	 /* TJ_STRING: bytes between the quotes (escaped form) */
	uint32_t count;	 /* TJ_OBJECT: members; TJ_ARRAY: items; TJ_STRING: escapes */
	uint32_t next;	 /* the index of the token after this value and all it holds */
	int64_t integer; /* TJ_INTEGER */
};

#define TJSON_DEPTH_MAX 8
#define TJSON_TOKENS_MAX 4096

enum tjson_result { TJSON_OK = 0, TJSON_INVALID = -1, TJSON_LIMIT = -2 };

/* Scans s[0..len) as one canonical JSON value filling tok (capacity max). TJSON_LIMIT when it
 * nests deeper than TJSON_DEPTH_MAX or needs more than max tokens. */
enum tjson_result tjson_scan(const char *s, size_t len, struct tjson_tok *tok, size_t max,
			     size_t *ntok);

/* The value of member key of the object at index obj, or -1. */
long tjson_member(const char *s, const struct tjson_tok *tok, size_t obj, const char *key);
/* Whether string token t is exactly lit (escapes never match). */
int tjson_is(const char *s, const struct tjson_tok *t, const char *lit);
/* The unescaped string into out (NUL-terminated). Returns 0, or -1 if it does not fit. */
int tjson_copy(const char *s, const struct tjson_tok *t, char *out, size_t outlen);

#endif
