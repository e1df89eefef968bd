/*
 * The transcript verifier (docs/transcript.md, format version 1). Needs no secret and runs on
 * any Linux machine. It reads a transcript record by record and stops at the first record it
 * cannot accept, saying which record and why; the writer runs every record it writes through
 * the same checker, so it cannot write what this rejects.
 *
 * Checked per record: line length, strict JSON in canonical form (the line must be exactly the
 * writer's serialisation of its record; transcript_json.h reads it in one pass), the record
 * schema and the event's data fields, seq without gaps,
 * time well formed and non-decreasing, prev (the SHA-256 of the previous line), and the
 * signature of every checkpoint, proof-of-possession, abort and close record. At the end: a
 * torn last line (TRANSCRIPT_E_TRUNCATED), no terminal record (TRANSCRIPT_E_INCOMPLETE), and with
 * an artifacts directory every named file, certificate, CSR and CRL.
 *
 * The error codes and struct transcript_failure are in transcript_err.h.
 */
#ifndef CEREMONY_TRANSCRIPT_VERIFY_H
#define CEREMONY_TRANSCRIPT_VERIFY_H

#include <jansson.h>
#include <stddef.h>

#include "ceremony/transcript/transcript_err.h"

#define TRANSCRIPT_LINE_MAX 65536      /* bytes of one record, without its newline */
#define TRANSCRIPT_RECORDS_MAX 1000000 /* records in one transcript */
#define TRANSCRIPT_FILE_MAX (256u * 1024 * 1024)
#define TRANSCRIPT_KEYS_MAX 256	      /* distinct key names */
#define TRANSCRIPT_ARTIFACTS_MAX 4096 /* artifact records */
#define TRANSCRIPT_ARTIFACT_SIZE_MAX (1024 * 1024)

enum transcript_outcome { TRANSCRIPT_OPEN = 0, TRANSCRIPT_CLOSED, TRANSCRIPT_ABORTED };

/* What verified. Valid up to the failure when verification failed. */
struct transcript_summary {
	size_t records;			 /* complete records accepted */
	enum transcript_outcome outcome; /* OPEN: no close or abort record (yet) */
	unsigned char final_digest[32];	 /* when outcome is not OPEN */
	unsigned char transcript_key[32];
	size_t checkpoints;	   /* checkpoint signatures verified */
	size_t possessions;	   /* proof-of-possession signatures verified */
	int has_signed;		   /* a signed record verified: last_signed is its seq */
	size_t last_signed;	   /* records 0..last_signed are covered by a signature */
	size_t artifacts_checked;  /* files that matched their recorded SHA-256 */
	size_t objects_checked;	   /* certificates, CSRs and CRLs whose signatures verified */
	int anchored;		   /* the artifacts check passed its anchor (proofs of possession) */
	json_t *start;		   /* record 0's data (own reference), or NULL */
};

/* One record after it was accepted (its signature too, if it has one). Return non-zero to
 * stop verification (reported as TRANSCRIPT_E_NOMEM). */
typedef int (*transcript_record_fn)(void *ctx, size_t seq, const json_t *record);

/* The incremental checker. feed takes one line without its newline. A rejected line leaves the
 * checker as it was (the writer may go on); the failure is in transcript_checker_failure(). */
struct transcript_checker;
struct transcript_checker *transcript_checker_new(void);
enum transcript_err transcript_checker_feed(struct transcript_checker *c, const char *line,
					    size_t len, json_t **record);
const struct transcript_failure *transcript_checker_failure(const struct transcript_checker *c);
const struct transcript_summary *transcript_checker_summary(const struct transcript_checker *c);
/* With --artifacts: every artifact record's file in dir, hashes, certificates, CSRs, CRLs. */
enum transcript_err transcript_checker_artifacts(struct transcript_checker *c, const char *dir);
void transcript_checker_free(struct transcript_checker *c);

struct transcript_verify_opts {
	const char *artifacts_dir; /* NULL: artifacts are not checked */
	transcript_record_fn on_record;
	void *ctx;
};

/* Verifies a whole transcript held in buf. On return sum holds what verified (free it with
 * transcript_summary_free, also after a failure) and fail says where it stopped. */
enum transcript_err transcript_verify(const unsigned char *buf, size_t len,
				      const struct transcript_verify_opts *opts,
				      struct transcript_summary *sum,
				      struct transcript_failure *fail);
void transcript_summary_free(struct transcript_summary *sum);

#endif
