/*
 * The transcript module's error codes (writer, verifier, artifacts, lineage), their messages and
 * short names, and where a verification stopped. Kept apart from the verifier so that a header
 * needing only these does not pull in the checker. Nothing here is secret: a failure's detail
 * names only public values.
 */
#ifndef CEREMONY_TRANSCRIPT_ERR_H
#define CEREMONY_TRANSCRIPT_ERR_H

#include <stddef.h>

#define TRANSCRIPT_DETAIL_MAX 200

enum transcript_err {
	TRANSCRIPT_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	TRANSCRIPT_OK = 0,
	TRANSCRIPT_E_NOMEM,	 /* out of memory */
	TRANSCRIPT_E_INVAL,	 /* a bad argument from the caller */
	TRANSCRIPT_E_IO,	 /* reading or writing a file failed */
	TRANSCRIPT_E_EXIST,	 /* the transcript file already exists */
	TRANSCRIPT_E_STATE,	 /* writer: closed, aborted or failed */
	TRANSCRIPT_E_KEY,	 /* writer: a key type that cannot prove possession */
	TRANSCRIPT_E_LIMIT,	 /* a line, a record count or a table is over its limit */
	TRANSCRIPT_E_SYNTAX,	 /* not strict JSON (or not an object) */
	TRANSCRIPT_E_CANON,	 /* not in canonical form */
	TRANSCRIPT_E_SCHEMA,	 /* a field missing, of the wrong type, or out of range */
	TRANSCRIPT_E_SECRET,	 /* a data field named like a secret */
	TRANSCRIPT_E_EVENT,	 /* an unknown event, or one where it may not be */
	TRANSCRIPT_E_SEQ,	 /* seq is not the record's position */
	TRANSCRIPT_E_TIME,	 /* time earlier than the previous record's */
	TRANSCRIPT_E_CHAIN,	 /* prev is not the SHA-256 of the previous line */
	TRANSCRIPT_E_SIG,	 /* a signature does not verify */
	TRANSCRIPT_E_FINAL,	 /* the closing record's final digest is wrong */
	TRANSCRIPT_E_CONFLICT,	 /* a record contradicts an earlier one */
	TRANSCRIPT_E_AFTER,	 /* a record after the closing record */
	TRANSCRIPT_E_TRUNCATED,	 /* the last line is torn (a crash while writing it) */
	TRANSCRIPT_E_INCOMPLETE, /* intact, but no close or abort record */
	TRANSCRIPT_E_ARTIFACT,	 /* an artifact is missing or its SHA-256 differs */
	TRANSCRIPT_E_CERT,	 /* a certificate, CSR or CRL does not verify */
	TRANSCRIPT_E_ANCHOR,	 /* a key or an artifact without its proof of possession */
	TRANSCRIPT_E_MODE,	 /* an artifact's rehearsal marking differs from record 0's */
};

const char *transcript_strerror(enum transcript_err err);
/* A stable short name for machine output ("chain", "truncated", ...). */
const char *transcript_errname(enum transcript_err err);

/* Where verification stopped. record is the seq of the first record that could not be
 * accepted (at_record 1), or at_record is 0 for errors about the whole file. detail is one
 * printable line naming only public values. */
struct transcript_failure {
	enum transcript_err err;
	int at_record;
	size_t record;
	char detail[TRANSCRIPT_DETAIL_MAX];
};

#endif
