/*
 * What the transcript of an earlier ceremony says about its keys: the input a key-use ceremony
 * needs to check the shares it collects (right key, right share set, not superseded) and to
 * prove a rebuilt key against the public key (or check value) recorded when it was made.
 *
 * The transcript is verified first (transcript_verify.h) and must be closed: a key from an
 * aborted or unfinished ceremony is not used. Only public values are read; nothing here is
 * secret. Keys are matched by name: a key keeps its script id from ceremony to ceremony.
 */
#ifndef CEREMONY_LINEAGE_H
#define CEREMONY_LINEAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ceremony/transcript/transcript_err.h"

#define LINEAGE_KEYS_MAX 32
#define LINEAGE_SETS_MAX 16 /* share sets of one key named in one transcript */
#define LINEAGE_NAME_MAX 64
#define LINEAGE_SPKI_MAX 1024

enum lineage_err {
	LINEAGE_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	LINEAGE_OK = 0,
	LINEAGE_E_NOMEM,
	LINEAGE_E_INVALID, /* the transcript does not verify: failure says where and why */
	LINEAGE_E_OPEN,	   /* it verifies, but the ceremony was aborted or never closed */
	LINEAGE_E_LIMIT,   /* more keys or share sets than this module keeps */
};

const char *lineage_strerror(enum lineage_err err);

/* A share set of a key: made in the transcript's ceremony (share-written), or named by a
 * reshare there as replaced (shares-superseded). */
struct lineage_set {
	uint16_t identifier; /* SLIP-39 identifier */
	bool superseded;
};

struct lineage_key {
	char name[LINEAGE_NAME_MAX + 1];
	bool has_spki_sha256;
	uint8_t spki_sha256[32];
	size_t spki_len; /* 0 when the transcript never published the public key itself */
	uint8_t spki[LINEAGE_SPKI_MAX];
	bool has_check_value; /* a symmetric key */
	uint8_t check_value[32];
	bool revealed; /* its secret (a symmetric key) was published: never use it again */
	size_t nsets;
	struct lineage_set sets[LINEAGE_SETS_MAX];
};

/* A key of an earlier ceremony that this one retired (key-retired): never rebuilt or used
 * again. fpr is its SPKI's SHA-256, or a symmetric key's check value. */
struct lineage_retired {
	char name[LINEAGE_NAME_MAX + 1];
	char ceremony[LINEAGE_NAME_MAX + 1];
	bool has_fpr;
	uint8_t fpr[32];
};

struct lineage {
	char ceremony[LINEAGE_NAME_MAX + 1];
	bool rehearsal;
	uint8_t final_digest[32];
	size_t records;
	size_t nkeys;
	struct lineage_key keys[LINEAGE_KEYS_MAX];
	size_t nretired;
	struct lineage_retired retired[LINEAGE_KEYS_MAX];
	struct transcript_failure failure; /* for LINEAGE_E_INVALID */
};

/* Verifies the transcript in buf[len] and fills out (all of it, even on failure; out->failure
 * says why verification stopped). */
enum lineage_err lineage_read(const uint8_t *buf, size_t len, struct lineage *out);

/* The key named name, or NULL. */
const struct lineage_key *lineage_key(const struct lineage *l, const char *name);

enum lineage_set_state {
	LINEAGE_SET_UNKNOWN,	/* the transcript names no such set of this key */
	LINEAGE_SET_CURRENT,	/* written there and not replaced */
	LINEAGE_SET_SUPERSEDED, /* replaced by a reshare */
};

enum lineage_set_state lineage_set_state(const struct lineage_key *k, uint16_t identifier);

/* The retirement this transcript records of the key name made by ceremony, or of any key
 * whose fingerprint is fpr (when not NULL); NULL when none. */
const struct lineage_retired *lineage_retired(const struct lineage *l, const char *name,
					      const char *ceremony, const uint8_t *fpr);

/* The key's current share set: 1 with *identifier set when there is exactly one, else 0. */
int lineage_current_set(const struct lineage_key *k, uint16_t *identifier);

#endif
