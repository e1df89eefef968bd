/*
 * The transcript format's shared rules (docs/transcript.md, version 1), used by both the writer
 * (transcript.c) and the verifier (transcript_verify.c) so the two cannot disagree: canonical
 * serialisation, the signed message, times, and the string and name rules. Internal to the
 * transcript module; nothing here is secret.
 */
#ifndef CEREMONY_TRANSCRIPT_FORMAT_H
#define CEREMONY_TRANSCRIPT_FORMAT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ceremony/transcript/transcript_err.h"

#define TRANSCRIPT_FORMAT_VERSION 1
/* Signed messages start with this, then a NUL, the event name, a NUL, the 32-byte digest. */
#define TRANSCRIPT_SIG_DOMAIN "ceremony-transcript/1"
#define TRANSCRIPT_SIG_MSG_MAX (sizeof(TRANSCRIPT_SIG_DOMAIN) + 32 + 1 + 32)

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TRANSCRIPT_TIME_LEN 20

/* Limits of one record; see docs/transcript.md "Limits". */
#define TRANSCRIPT_STRING_MAX 4096 /* bytes of any string value */
#define TRANSCRIPT_TEXT_MAX 256	   /* step ids and actor names */
#define TRANSCRIPT_TOKEN_MAX 64	   /* ceremony ids, key names, algorithm names */
#define TRANSCRIPT_FILE_NAME_MAX 128
#define TRANSCRIPT_FIELD_MAX 64 /* bytes of a data field name */
#define TRANSCRIPT_DEPTH_MAX 4	/* data is depth 1 */
#define TRANSCRIPT_MEMBERS_MAX 64
#define TRANSCRIPT_ITEMS_MAX 256
#define TRANSCRIPT_INT_MAX 9007199254740991LL /* 2^53 - 1: exact in every JSON reader */

/* Strings shown to people: valid UTF-8 (jansson guarantees it) without control characters, bidi
 * controls or line separators. len may be 0. */
int tformat_printable(const char *s, size_t len);
/* [A-Za-z0-9][A-Za-z0-9._-]*, 1..max bytes: ceremony ids, key names, file names. */
int tformat_token(const char *s, size_t max);
/* [a-z][a-z0-9_]*, 1..TRANSCRIPT_FIELD_MAX bytes, and no '_'-separated part naming a secret
 * ("passphrase", "mnemonic", "private", ...). Returns TRANSCRIPT_OK, TRANSCRIPT_E_SCHEMA for
 * a bad name, TRANSCRIPT_E_SECRET for a secret-like one. */
enum transcript_err tformat_field_name(const char *s);
/* Whether s[0..len) is lower-case hex of exactly nbytes bytes (nbytes 0: any positive even
 * length up to TRANSCRIPT_STRING_MAX). */
int tformat_hex(const char *s, size_t len, size_t nbytes);
/* Decodes hex already checked by tformat_hex into out (len/2 bytes). */
void tformat_unhex(const char *s, size_t len, unsigned char *out);
void tformat_tohex(const unsigned char *in, size_t len, char *out); /* out: 2*len+1 */

/* t as "YYYY-MM-DDTHH:MM:SSZ" (UTC). Returns 0, or -1 outside the years 1970..9999. */
int tformat_time(int64_t t, char out[TRANSCRIPT_TIME_LEN + 1]);
/* Checks the exact form and a real calendar date (no leap second). Returns 0 or -1. */
int tformat_time_check(const char *s, size_t len);

/* The canonical line for a record, without the newline: JSON_COMPACT, insertion order (the
 * writer builds records in the documented order and sorts data keys), raw UTF-8. Returns a
 * malloc'ed NUL-terminated string and its length, or NULL. */
char *tformat_dump(const json_t *record, size_t *len);
/* A deep copy of a data value with every object's keys in byte order (a new reference), or
 * NULL on allocation failure. */
json_t *tformat_sorted(const json_t *v);

/* Whether v holds a fraction (a JSON real) anywhere: no canonical record does. */
int tformat_has_fraction(const json_t *v);

/* The digest a signed record's signature covers: SHA-256 of the canonical line of the record
 * with data.sig replaced by "" (record is not modified). Returns 0 or -1. */
int tformat_unsigned_digest(const json_t *record, unsigned char digest[32]);
/* The message a signature covers: domain, NUL, event, NUL, digest. Returns its length. */
size_t tformat_sig_message(const char *event, const unsigned char digest[32],
			   unsigned char out[TRANSCRIPT_SIG_MSG_MAX]);

/* The event vocabulary (docs/transcript.md "Events"). Each event lists the data fields it must
 * have (and typed optional ones); other fields are allowed under the generic rules. */
enum tformat_type {
	TF_STR,	     /* printable string, 1..TRANSCRIPT_STRING_MAX bytes */
	TF_TOKEN,    /* tformat_token, TRANSCRIPT_TOKEN_MAX */
	TF_FILE,     /* tformat_token, TRANSCRIPT_FILE_NAME_MAX */
	TF_HEX32,    /* 64 lower-case hex digits */
	TF_HEX,	     /* lower-case hex, even length */
	TF_SIG,	     /* 128 lower-case hex digits: an Ed25519 signature */
	TF_INT,	     /* integer 0..2^53-1 */
	TF_BOOL,     /* true or false */
	TF_DECISION, /* "go" or "no-go" */
	TF_ROLE,     /* a participant role */
	TF_VERSION,  /* the integer TRANSCRIPT_FORMAT_VERSION */
	TF_ALG,	     /* a proof-of-possession algorithm name */
};

enum tformat_event_id {
	TEV_START,
	TEV_GO_NO_GO,
	TEV_ATTENDANCE,
	TEV_ACKNOWLEDGEMENT,
	TEV_ENTROPY_COMMITMENT,
	TEV_KEY_GENERATED,
	TEV_KEY_RECONSTRUCTED,
	TEV_KEY_WIPED,
	TEV_CERTIFICATE_ISSUED,
	TEV_CSR_EXPORTED,
	TEV_CRL_ISSUED,
	TEV_SHARE_WRITTEN,
	TEV_SHARE_VERIFIED,
	TEV_SHARE_ACCEPTED,
	TEV_RECONSTRUCTION_TESTED,
	TEV_MEDIA_WRITTEN,
	TEV_INPUT_IMPORTED,
	TEV_SHARE_COLLECTED,
	TEV_SHARES_SUPERSEDED,
	TEV_KEY_REVEALED,
	TEV_CONTINGENCY_TESTED,
	TEV_EXCEPTION,
	TEV_NOTE,
	TEV_CHECKPOINT,
	TEV_POSSESSION,
	TEV_ABORT,
	TEV_CLOSE,
	TEV_DECISION_RECORDED,
	TEV_PAYLOAD_SIGNED,
	TEV_KEY_RETIRED,
	TEV_COUNT
};

#define TEV_RESERVED 1u /* written only by its own writer function, never by append */
#define TEV_SIGNED 2u	/* data.sig: a signature by the transcript key */
#define TEV_TERMINAL 4u /* the last record: data.final, nothing may follow */
#define TEV_ARTIFACT 8u /* names a file on the public medium: data.file, data.sha256 (for
			 * key-revealed only when data.file is present) */

struct tformat_field {
	const char *name;
	enum tformat_type type;
	int optional;
};

struct tformat_event {
	const char *name;
	enum tformat_event_id id;
	unsigned flags;
	struct tformat_field fields[9]; /* ends at a NULL name */
};

/* The event named name, or NULL. tformat_event_at(i) for i < TEV_COUNT walks the table. */
const struct tformat_event *tformat_event(const char *name);
const struct tformat_event *tformat_event_at(size_t i);
/* administrator, witness, custodian, auditor, system. */
int tformat_role(const char *s);

/* The proof-of-possession algorithm name for a public or private key ("ecdsa-p256-sha256",
 * "ecdsa-p384-sha384", "rsa-pkcs1-sha256" for RSA of 2048 bits or more, "ed25519") and the
 * digest to sign with (NULL for Ed25519). NULL when the key cannot be used. */
const char *tformat_key_alg(EVP_PKEY *key, const EVP_MD **md);

/* Records a failure (of record seq when seq >= 0, else of the whole file) and returns err. */
enum transcript_err tformat_fail(struct transcript_failure *f, enum transcript_err err, long seq,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A const object's iterator (jansson's iterators take non-const pointers but do not write). */
static inline json_t *tformat_mut(const json_t *v)
{
	return (json_t *)(uintptr_t)v;
}

#endif
