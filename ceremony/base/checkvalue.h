/*
 * The check value of a symmetric key (docs/transcript.md, "Check values"): HMAC-SHA-256 keyed
 * with the key over the ASCII label "ceremony-key-check-value-v1". It is recorded in place of a
 * public key fingerprint, so a rebuilt key can be told from a wrong one, and a revealed key
 * matched to its record, without the record saying anything about the key.
 *
 * The key is secret and only read; the check value is public.
 */
#ifndef CEREMONY_CHECKVALUE_H
#define CEREMONY_CHECKVALUE_H

#include <stddef.h>
#include <stdint.h>

#define CHECKVALUE_LABEL "ceremony-key-check-value-v1"
#define CHECKVALUE_LEN	 32

/* out = HMAC-SHA-256(key, label). Returns 0, or -1 when no secure memory is left (out is then
 * all zeros, which no real check value equals). */
int checkvalue(const uint8_t *key, size_t len, uint8_t out[CHECKVALUE_LEN]);

#endif
