/*
 * The engine's shared state and the step handlers, one file per concern:
 * engine.c (the run loop, abort, media, records, wiping keys after their last use),
 * engine_prep.c (attendance, go/no-go, entropy, acknowledgements, fingerprints), engine_keys.c
 * (keys, certificates, CSRs, public outputs), engine_shares.c (splitting, test reconstruction),
 * engine_inputs.c (inputs by medium or QR, the earlier ceremony's transcript), engine_collect.c
 * (rebuilding a key from custodians' shares), engine_sign.c (CSRs, CRLs, certificate import),
 * engine_contingency.c (the contingency test and replacement), engine_reshare.c, engine_close.c.
 * Private to the engine.
 */
#ifndef CEREMONY_ENGINE_IMPL_H
#define CEREMONY_ENGINE_IMPL_H

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
enum step_rc engine_step_collect(struct engine *e, const struct script_step *s);
enum step_rc engine_step_sign_csr(struct engine *e, const struct script_step *s);
enum step_rc engine_step_sign_crl(struct engine *e, const struct script_step *s);
enum step_rc engine_step_import(struct engine *e, const struct script_step *s);
enum step_rc engine_step_contingency_test(struct engine *e, const struct script_step *s);
enum step_rc engine_step_contingency_replace(struct engine *e, const struct script_step *s);
enum step_rc engine_step_reshare(struct engine *e, const struct script_step *s);

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

/* The same, for a write tried again on a medium that replaces a failed one: a file of that name
 * with exactly these bytes (the failed write had got that far) counts as written. */
enum step_rc engine_write_again(struct engine *e, const struct script_medium *m, const char *file,
				const uint8_t *data, size_t len, uint8_t sha256[32]);

/* Says, and records as a note, the unfinished writes (temporary files an interrupted run left)
 * on medium m, once per medium: at the start for every medium present, else at its first
 * write. A medium not present yet is looked at later. */
enum step_rc engine_say_leftovers(struct engine *e, const struct script_medium *m);
/* Medium m was replaced by another: look at the new one again. */
void engine_medium_replaced(struct engine *e, const struct script_medium *m);

/* "medium_dir/<id>" into out. */
int engine_medium_path(const struct engine *e, const struct script_medium *m, char *out,
		       size_t outlen);

/* "medium_dir/<id>/<file>" into out. */
int engine_file_path(const struct engine *e, const struct script_medium *m, const char *file,
		     char *out, size_t outlen);

/* Shows a fingerprint as hex and words under a label. */
void engine_show_fpr(struct engine *e, const char *label, const uint8_t fpr[32]);

/* Lower-case hex of 32 bytes into a new JSON string. */
json_t *engine_json_hex(const uint8_t *b, size_t len);

/* Wipes every secret the engine holds. */
void engine_wipe_keys(struct engine *e);
void engine_wipe_key(struct engine_key *k);

/* Wipes the keys no step after step_index uses (CA keys with a certificate stay for the close's
 * proof of possession, their split secret does not) and records key-wiped for each key whose
 * private part is gone. */
enum step_rc engine_release_unused(struct engine *e, unsigned step_index);
/* Records key-wiped for every key held here that has no such record yet (the close). */
enum step_rc engine_record_wiped(struct engine *e, const struct transcript_actor *actor);

/* Reads medium/file with media_read (at most max bytes; a file SHA256SUMS lists must match it;
 * flags MEDIA_READ_LISTED, MEDIA_READ_SECRET). Returns a media error code. */
int engine_read_file(struct engine *e, const struct script_medium *m, const char *file,
		     size_t max, unsigned flags, unsigned char **out, size_t *len);
/* Calls fn for the name of each file on the medium (SHA256SUMS excepted), sorted. Returns a
 * media error code. */
int engine_list_files(struct engine *e, const struct script_medium *m,
		      void (*fn)(void *ctx, const char *name), void *ctx);

/* The first broken rule of a failed lint report, with its detail, into out; returns out. */
const char *engine_lint_reason(const struct pki_lint *l, char *out, size_t outlen);

/* The PKI library's algorithm for a script algorithm; -1 for a symmetric one. */
int engine_pki_alg(enum script_algorithm a, enum pki_alg *out);

/* Proves a rebuilt secret is key k before any use: a symmetric key's check value, or the
 * private key made from it against the recorded public key (k->spki, or only its SHA-256 k->fpr
 * when the public key is unpublished). On success a key pair's private key is in *pkey (NULL for
 * a symmetric key); on failure nothing is. */
enum step_rc engine_prove_secret(struct engine *e, struct engine_key *k, const uint8_t *secret,
				 size_t len, EVP_PKEY **pkey);

/* Whether a key's shares split a key-encryption key that seals its private key (P-384, RSA)
 * rather than the private key itself. */
bool engine_uses_keyfile(const struct script_key *sk);
/* Names the key file of k (from its public key's fingerprint). */
void engine_keyfile_name(struct engine_key *k);
/* Puts k's key file on medium m, unless the same file is there already. */
enum step_rc engine_put_keyfile(struct engine *e, const struct script_medium *m,
				struct engine_key *k, uint8_t sha[32]);

/* Shares (engine_shares.c): splits k's secret to set, one share to each holder. */
enum step_rc engine_split_to(struct engine *e, const struct script_step *s, struct engine_key *k,
			     const struct script_custodian_set *set);

/* Certificates (engine_keys.c). */
struct engine_cert_params {
	struct pki_cert_params p;
	char nc[2 * SCRIPT_MAX_CONSTRAINTS][PKI_NC_MAX + 48];
	const char *permitted[SCRIPT_MAX_CONSTRAINTS], *excluded[SCRIPT_MAX_CONSTRAINTS];
};
/* The parameters of a certificate for key sk from the script: subject, validity from now,
 * policies, path length, name constraints, the rehearsal mark. */
enum step_rc engine_cert_params(struct engine *e, const struct script_key *sk,
				struct engine_cert_params *cp);
/* now + v by the calendar (25 years from 29 February is 1 March). Returns 0, or -1 when out of
 * range. */
int engine_validity(const struct script_validity *v, int64_t now, struct pki_validity *out);
/* The wrapped Contingency key of a Root: ck's public key under sk's key (both held). */
void engine_contin_params(const struct engine_key *ck, const struct engine_key *sk,
			  struct pki_contin_params *c);
/* Writes obj as PEM to out's medium and gives the file's SHA-256. */
enum step_rc engine_write_pem(struct engine *e, const struct script_output *out,
			      const struct pki_obj *obj, uint8_t sha[32]);
/* A certificate for step s's key, just signed by issuer (cert is taken over): kept, shown,
 * written to the step's output and recorded (certificate-issued, with extra's fields). */
enum step_rc engine_issued(struct engine *e, const struct script_step *s, X509 *cert,
			   const char *issuer, const char *profile, json_t *extra);
/* The step result for a failed PKI build: its error and first broken lint rule. */
enum step_rc engine_cert_failed(struct engine *e, const char *what, enum pki_err err,
				const struct pki_lint *lint);

/* Inputs (engine_inputs.c). */
/* Reads, checks and has a person confirm every input step s reads that is not read yet
 * (script_step_inputs); at the go-no-go, the earlier ceremonies' transcripts. */
enum step_rc engine_read_step_inputs(struct engine *e, const struct script_step *s);
/* The input once read, or NULL. */
struct engine_input *engine_input(struct engine *e, const struct script_input *in);
/* A key's certificate: issued here, or its certificate input once read; else NULL. */
X509 *engine_key_cert(struct engine *e, const struct script_key *sk);
/* What the earlier ceremonies' transcripts say about a key, or NULL when none names it. With
 * ceremony, only that ceremony's transcript is asked. */
const struct lineage_key *engine_lineage_key(struct engine *e, const char *key,
					     const char *ceremony);
/* Receives one payload by QR, as the operator chooses at prompt id: the camera, or the image
 * files <prefix>.<ext> and <prefix>-<n>.<ext> on an input medium. what names it for people. On
 * STEP_OK *rx holds the complete payload (media_rx_payload); free it with media_rx_free. */
struct media_rx;
enum step_rc engine_qr_receive(struct engine *e, const char *id, const char *what,
			       const char *prefix, size_t max, struct media_rx **rx);

#endif
