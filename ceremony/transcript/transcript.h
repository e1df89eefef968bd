/*
 * The transcript writer: the append-only, hash-chained, signed record of one ceremony
 * (docs/transcript.md, format version 1).
 *
 * transcript_create makes the file (and an optional second copy) with O_EXCL|O_NOFOLLOW,
 * generates the Ed25519 transcript key and writes the ceremony-start record. Each later call
 * appends one record and returns only after it is fdatasync'ed on every copy. Every record is
 * first run through the verifier's checker (transcript_verify.h), so a record the verifier
 * would reject is refused (TRANSCRIPT_E_SCHEMA, ESECRET, ECONFLICT, ...; the reason is in
 * transcript_detail) and nothing is written.
 *
 * Secrets: the transcript key lives in sodium_malloc memory, inaccessible between signatures,
 * and is wiped by close, abort and free. Record data is public: the writer refuses field names
 * that look like secrets, but cannot tell a secret value from a public one; never pass one.
 *
 * After an I/O error the transcript is failed: the torn line is cut off where possible and every
 * later call returns TRANSCRIPT_E_STATE. After close or abort, likewise.
 */
#ifndef CEREMONY_TRANSCRIPT_H
#define CEREMONY_TRANSCRIPT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "ceremony/transcript/transcript_err.h"

struct transcript;

/* Who a record is by. role: administrator, witness, custodian, auditor or system; name:
 * printable, 1..256 bytes. */
struct transcript_actor {
	const char *role;
	const char *name;
};

/* The ceremony-start record. ceremony_id: [A-Za-z0-9][A-Za-z0-9._-]*, at most 64 bytes;
 * title: printable. predecessor: for a key-use ceremony, the final digest of the transcript of
 * the ceremony that made the keys. extra: more public fields for the record's data, or NULL. */
struct transcript_start {
	const char *ceremony_id;
	const char *title;
	unsigned char script_sha256[32];
	unsigned char image_sha256[32];
	int rehearsal;
	int has_predecessor;
	unsigned char predecessor[32];
	const json_t *extra;
};

/* Injected clock (seconds since 1970, UTC) and randomness (the transcript key's seed), for
 * tests. NULL members, or a NULL env, mean time() and randombytes_buf. */
struct transcript_env {
	int64_t (*now)(void *ctx);
	void (*random)(void *ctx, unsigned char *buf, size_t len);
	void *ctx;
};

/* Creates path (and copy_path unless NULL) and writes record 0. Neither may exist. On failure
 * *out is NULL and no file is left behind. */
enum transcript_err transcript_create(struct transcript **out, const char *path,
				      const char *copy_path, const struct transcript_start *start,
				      const char *step, const struct transcript_actor *actor,
				      const struct transcript_env *env);

/* Appends one record. event: any event of the vocabulary except ceremony-start, checkpoint,
 * proof-of-possession, abort and close, which have their own calls. data: a JSON object under
 * the rules of docs/transcript.md (not stolen; key order does not matter). */
enum transcript_err transcript_append(struct transcript *t, const char *step,
				      const struct transcript_actor *actor, const char *event,
				      const json_t *data);

/* A checkpoint: the transcript key signs the record, and with it the chain head. phase may be
 * NULL. */
enum transcript_err transcript_checkpoint(struct transcript *t, const char *step,
					  const struct transcript_actor *actor, const char *phase);

/* Proof of possession: key (ECDSA P-256 or P-384, RSA of 2048 bits or more, or Ed25519) signs
 * the record, and with it the chain head. The key must already be in the transcript under
 * key_name (key-generated, key-reconstructed or input-imported with the same public key). Its
 * public key is published in the record: never do this for a key whose public key must stay
 * unpublished (the SMKI Contingency key). TRANSCRIPT_E_KEY for other key types. */
enum transcript_err transcript_prove_possession(struct transcript *t, const char *step,
						const struct transcript_actor *actor,
						const char *key_name, EVP_PKEY *key);

/* The closing record: final (out) is the SHA-256 of the record before it, the digest
 * witnesses copy onto paper; the transcript key signs the record and is wiped. Both copies are
 * then read back and compared with what was written: TRANSCRIPT_E_IO if they differ (final is
 * still set: the record was written). */
enum transcript_err transcript_close(struct transcript *t, const char *step,
				     const struct transcript_actor *actor,
				     unsigned char final[32]);

/* As close, for a ceremony that stops early; reason is public text. */
enum transcript_err transcript_abort(struct transcript *t, const char *step,
				     const struct transcript_actor *actor, const char *reason,
				     unsigned char final[32]);

/* The transcript key's public half (shown to witnesses), the chain head (SHA-256 of the last
 * record), and the number of records written. */
void transcript_public_key(const struct transcript *t, unsigned char pk[32]);
void transcript_head(const struct transcript *t, unsigned char head[32]);
size_t transcript_records(const struct transcript *t);

/* Why the last call failed: one printable line of public values, or "". */
const char *transcript_detail(const struct transcript *t);

/* Wipes the key and closes the files. Writes nothing: call abort first if still open. */
void transcript_free(struct transcript *t);

#endif
