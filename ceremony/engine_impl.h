/*
 * The engine's shared state and the step handlers, one file per phase:
 * engine.c (the run loop, abort, media, records), engine_prep.c (attendance, go/no-go, entropy,
 * acknowledgements, fingerprints), engine_keys.c (keys, certificates, CSRs, public outputs),
 * engine_shares.c (splitting, test reconstruction), engine_close.c (closing).
 * Private to the engine.
 */
#ifndef CEREMONY_ENGINE_IMPL_H
#define CEREMONY_ENGINE_IMPL_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

#include "ceremony/answers.h"
#include "ceremony/engine.h"
#include "ceremony/entropy.h"
#include "ceremony/pki/key.h"
#include "ceremony/pki/parse.h"
#include "ceremony/prompt.h"
#include "ceremony/script.h"
#include "ceremony/transcript.h"
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
	bool split;                      /* shares written */
	uint16_t set_id;                 /* SLIP-39 identifier of its share set */
	char share_files[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS][SCRIPT_FILE_MAX + 1];
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
	struct engine_artifact artifacts[ENGINE_MAX_ARTIFACTS];
	size_t nartifacts;
	char reason[256];
};

typedef enum step_rc (*step_fn)(struct engine *e, const struct script_step *s);

enum step_rc engine_step_attendance(struct engine *e, const struct script_step *s);
enum step_rc engine_step_go(struct engine *e, const struct script_step *s);
enum step_rc engine_step_entropy(struct engine *e, const struct script_step *s);
enum step_rc engine_step_acknowledge(struct engine *e, const struct script_step *s);
enum step_rc engine_step_fingerprints(struct engine *e, const struct script_step *s);
enum step_rc engine_step_generate(struct engine *e, const struct script_step *s);
enum step_rc engine_step_root_cert(struct engine *e, const struct script_step *s);
enum step_rc engine_step_export_csr(struct engine *e, const struct script_step *s);
enum step_rc engine_step_publish(struct engine *e, const struct script_step *s);
enum step_rc engine_step_split(struct engine *e, const struct script_step *s);
enum step_rc engine_step_test(struct engine *e, const struct script_step *s);
enum step_rc engine_step_close(struct engine *e, const struct script_step *s);

/* --- helpers (engine.c) ------------------------------------------------------------------- */

/* Sets e->reason (one printable line, never a secret) and returns rc. */
enum step_rc engine_fail(struct engine *e, enum step_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The step result for a prompt result that is not PROMPT_OK. */
enum step_rc engine_prompt_rc(struct engine *e, int prc, const char *id);

/* Appends a record for the current step; data is stolen (may be NULL for {}). */
enum step_rc engine_record(struct engine *e, const struct transcript_actor *actor,
			   const char *event, json_t *data);

/* The system actor, and a participant as an actor. */
extern const struct transcript_actor engine_system;
struct transcript_actor engine_actor(const struct script_participant *p);
/* The step's actor: the named participant, or the first present holder of the role. */
struct transcript_actor engine_step_actor(struct engine *e, const struct script_step *s);

struct engine_key *engine_key(struct engine *e, const struct script_key *sk);

/* The current time (the fixed test time, or the clock). */
int64_t engine_now(const struct engine *e);

/* Writes data as medium/file (atomic, verified, listed in SHA256SUMS, never replacing) and
 * remembers it as an artifact. The hash goes to sha256 when not NULL. */
enum step_rc engine_write(struct engine *e, const struct script_medium *m, const char *file,
			  const uint8_t *data, size_t len, uint8_t sha256[32]);

/* "medium_dir/<id>" into out. */
int engine_medium_path(const struct engine *e, const struct script_medium *m, char *out,
		       size_t outlen);

/* Shows a fingerprint as hex and words under a label. */
void engine_show_fpr(struct engine *e, const char *label, const uint8_t fpr[32]);

/* Lower-case hex of 32 bytes into a new JSON string. */
json_t *engine_json_hex(const uint8_t *b, size_t len);

/* Wipes every secret the engine holds. */
void engine_wipe_keys(struct engine *e);
void engine_wipe_key(struct engine_key *k);

#endif
