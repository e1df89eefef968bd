/*
 * The engine's state, private to the engine: the plan being run, the people and transcript it
 * talks to, and what this ceremony holds of each key and input.
 *
 * Secret: struct engine_key's pkey, secret and shares, and nothing else here. They live in
 * OpenSSL's secure heap or sodium_malloc'ed memory and are wiped by engine_wipe_key
 * (engine_secrets.h); every other field is public and may be shown or recorded.
 *
 * After a failure: a step handler that fails leaves the state consistent (nothing freed twice,
 * no dangling pointer) with its reason in e->reason; the run loop then wipes every secret and
 * aborts. The lookups below never fail.
 */
#ifndef CEREMONY_ENGINE_STATE_H
#define CEREMONY_ENGINE_STATE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

#include "ceremony/people/answers.h"
#include "ceremony/engine/engine.h"
#include "ceremony/base/entropy.h"
#include "ceremony/transcript/lineage.h"
#include "ceremony/pki/cert.h"
#include "ceremony/pki/ext.h"
#include "ceremony/pki/key.h"
#include "ceremony/pki/lint.h"
#include "ceremony/pki/parse.h"
#include "ceremony/people/prompt.h"
#include "ceremony/script/script.h"
#include "ceremony/transcript/transcript.h"
#include "shamir/slip39.h"

/* What a step handler returns. */
enum step_rc {
	STEP_OK = 0,
	STEP_NOGO,        /* go/no-go said no */
	STEP_FAILED,      /* a check failed: the reason is in e->reason */
	STEP_INTERRUPTED, /* Ctrl-C, a missing answer, a person declined */
	STEP_ERROR,       /* an operational failure: the reason is in e->reason */
};

/* One key of the plan and what this ceremony holds of it. */
struct engine_key {
	const struct script_key *sk;
	EVP_PKEY *pkey;    /* private key while held (OpenSSL secure heap); NULL otherwise */
	uint8_t *secret;   /* the split secret while held (sodium_malloc): the scalar, the seed
			      or the symmetric key itself */
	size_t secret_len;
	uint8_t spki[PKI_SPKI_MAX]; /* public key, once known */
	size_t spki_len;
	uint8_t fpr[32];  /* SHA-256 of the SPKI; symmetric keys: their check value */
	bool has_fpr;
	struct pki_obj cert; /* its certificate (root: self-signed), when issued here */
	struct pki_obj csr;  /* its CSR, when exported here */
	struct slip39_mnemonics *shares; /* while held: wiped after the shares are tested */
	bool split;                      /* shares written (split-shares or reshare) */
	const struct script_custodian_set *share_set; /* the set they were written to */
	uint16_t set_id;                 /* SLIP-39 identifier of its share set */
	char share_files[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS][SCRIPT_FILE_MAX + 1];
	/* Keys longer than a share (engine_uses_keyfile): the private key sealed under the split
	 * secret, a key-encryption key (ceremony/base/keyfile.h). Public bytes. */
	uint8_t *keyfile;
	size_t keyfile_len;
	char keyfile_name[SCRIPT_FILE_MAX + 1];
	/* Origin shares: the set it was rebuilt from. */
	bool collected;
	uint16_t collected_id;
	bool wiped; /* its key-wiped record is written */
};

/* An input once read, checked and confirmed by a person (engine_inputs.c). */
struct engine_input {
	bool done;
	uint8_t sha256[32];	  /* of the bytes as received */
	struct pki_obj obj;	  /* a certificate or CSR; empty for a transcript */
	struct lineage *lineage;  /* a transcript-digest input whose transcript was read */
	bool has_digest;	  /* transcript-digest: the final digest, approved or read */
	uint8_t digest[32];
	/* payloads: each payload's bytes as received and checked (public), in script order */
	uint8_t **payload;
	size_t *payload_len;
};

/* An artifact written in this ceremony, for the closing statement. */
struct engine_artifact {
	char medium[SCRIPT_ID_MAX + 1];
	char file[SCRIPT_FILE_MAX + 1];
	uint8_t sha256[32];
};
#define ENGINE_MAX_ARTIFACTS 256

struct engine {
	const struct engine_options *o;
	struct script_plan *plan;
	struct answers *answers;
	struct prompt *p;
	struct transcript *t;
	struct entropy *rng;
	const struct script_step *step;
	bool present[SCRIPT_MAX_PARTICIPANTS];
	bool go; /* the go/no-go said GO */
	bool image_known;
	uint8_t image_sha256[32];
	struct engine_key keys[SCRIPT_MAX_KEYS];
	struct engine_input inputs[SCRIPT_MAX_INPUTS];
	struct engine_artifact artifacts[ENGINE_MAX_ARTIFACTS];
	size_t nartifacts;
	bool leftovers_seen[SCRIPT_MAX_MEDIA]; /* looked for unfinished writes on it */
	bool closed; /* the transcript's close record is written: nothing can be aborted */
	char reason[256];
};

/* --- lookups (engine_state.c) ------------------------------------------------------------- */

struct engine_key *engine_key(struct engine *e, const struct script_key *sk);

/* The input once read, or NULL. */
struct engine_input *engine_input(struct engine *e, const struct script_input *in);

/* A key's certificate: issued here, or its certificate input once read; else NULL. */
X509 *engine_key_cert(struct engine *e, const struct script_key *sk);

/* Whether a transcript read here retires (key-retired) the key name made by ceremony. */
bool engine_key_retired(struct engine *e, const char *name, const char *ceremony);

/* What the earlier ceremonies' transcripts say about a key, or NULL when none names it. With
 * ceremony, only that ceremony's transcript is asked; without, none whose key of that name a
 * later ceremony retired. */
const struct lineage_key *engine_lineage_key(struct engine *e, const char *key,
					     const char *ceremony);

#endif
