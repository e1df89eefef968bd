/*
 * The artifact check behind `transcript verify --artifacts DIR` (docs/transcript.md
 * "Artifacts"): every file an artifact record names is read from DIR and must match its
 * SHA-256; certificates, CSRs and CRLs must verify against the keys the transcript says signed
 * them, and a revealed symmetric key must have its recorded check value. Internal to the
 * transcript verifier.
 *
 * Nothing here is secret: the files are the public medium's (a symmetric key is public once the
 * transcript records it revealed). On failure the failure says which artifact and why, and the
 * counts hold what matched before it.
 */
#ifndef CEREMONY_TRANSCRIPT_ARTIFACTS_H
#define CEREMONY_TRANSCRIPT_ARTIFACTS_H

#include <stddef.h>

#include "ceremony/transcript/transcript_format.h"
#include "ceremony/transcript/transcript_err.h"

#define TK_HELD 1u	 /* key-generated or key-reconstructed: the ceremony held its private key */
#define TK_PUBLISHED 2u /* ... and that record published its public key (spki) */
#define TK_PROVEN 4u	 /* a proof-of-possession by it verified */

/* A key the transcript names: generated, reconstructed or imported in this ceremony. */
struct tkey {
	char name[TRANSCRIPT_TOKEN_MAX + 1];
	unsigned flags;	   /* TK_* */
	size_t pop_record; /* with TK_PROVEN: the record of its first proof of possession */
	int has_fpr;
	unsigned char fpr[32]; /* SHA-256 of the DER SubjectPublicKeyInfo */
	unsigned char *spki;   /* the DER SPKI when the transcript published it, else NULL */
	size_t spki_len;
	int has_cv;
	unsigned char cv[32]; /* a symmetric key's check value (checkvalue.h) */
};

/* A file an artifact record names. key and issuer are "" when the event has none. */
struct tartifact {
	enum tformat_event_id event;
	size_t record;
	char file[TRANSCRIPT_FILE_NAME_MAX + 1];
	unsigned char sha256[32];
	char key[TRANSCRIPT_TOKEN_MAX + 1];
	char issuer[TRANSCRIPT_TOKEN_MAX + 1];
	unsigned char cert_sha256[32];
	unsigned char check_value[32]; /* key-revealed: the check value the file's key must have */
};

/* Checks every artifact in record order and stops at the first failure (written to fail).
 * files_ok and objects_ok count the files that matched and the signed objects that verified. */
enum transcript_err tartifacts_check(const char *dir, const struct tartifact *arts, size_t n,
				     const struct tkey *keys, size_t nkeys,
				     struct transcript_failure *fail, size_t *files_ok,
				     size_t *objects_ok);

/* The anchor (docs/transcript.md section 8): every key the transcript says it held and
 * published at a close (closed set) must have proved possession; so must every held key whose
 * certificate or CSR is an artifact; and every certificate, CSR and CRL found in dir, named by
 * the transcript or not, must carry rehearsal's marking (a REHEARSAL subject, or issuer for a
 * CRL) and be held or signed by a key that proved possession. Stops at the first failure. */
enum transcript_err tartifacts_anchor(const char *dir, const struct tartifact *arts, size_t n,
				      const struct tkey *keys, size_t nkeys, int rehearsal,
				      int closed, struct transcript_failure *fail);

#endif
