#include "ceremony/transcript/transcript_err.h"

static const char *const errnames[] = {
	[TRANSCRIPT_OK] = "ok",
	[TRANSCRIPT_E_NOMEM] = "nomem",
	[TRANSCRIPT_E_INVAL] = "invalid-argument",
	[TRANSCRIPT_E_IO] = "io",
	[TRANSCRIPT_E_EXIST] = "exists",
	[TRANSCRIPT_E_STATE] = "state",
	[TRANSCRIPT_E_KEY] = "key",
	[TRANSCRIPT_E_LIMIT] = "limit",
	[TRANSCRIPT_E_SYNTAX] = "syntax",
	[TRANSCRIPT_E_CANON] = "canonical",
	[TRANSCRIPT_E_SCHEMA] = "schema",
	[TRANSCRIPT_E_SECRET] = "secret-field",
	[TRANSCRIPT_E_EVENT] = "event",
	[TRANSCRIPT_E_SEQ] = "sequence",
	[TRANSCRIPT_E_TIME] = "time",
	[TRANSCRIPT_E_CHAIN] = "chain",
	[TRANSCRIPT_E_SIG] = "signature",
	[TRANSCRIPT_E_FINAL] = "final-digest",
	[TRANSCRIPT_E_CONFLICT] = "conflict",
	[TRANSCRIPT_E_AFTER] = "after-close",
	[TRANSCRIPT_E_TRUNCATED] = "truncated",
	[TRANSCRIPT_E_INCOMPLETE] = "incomplete",
	[TRANSCRIPT_E_ARTIFACT] = "artifact",
	[TRANSCRIPT_E_CERT] = "certificate",
	[TRANSCRIPT_E_ANCHOR] = "anchor",
	[TRANSCRIPT_E_MODE] = "mode",
};

static const char *const messages[] = {
	[TRANSCRIPT_OK] = "ok",
	[TRANSCRIPT_E_NOMEM] = "out of memory",
	[TRANSCRIPT_E_INVAL] = "invalid argument",
	[TRANSCRIPT_E_IO] = "input/output error",
	[TRANSCRIPT_E_EXIST] = "transcript file already exists",
	[TRANSCRIPT_E_STATE] = "transcript is closed, aborted or failed",
	[TRANSCRIPT_E_KEY] = "key cannot prove possession",
	[TRANSCRIPT_E_LIMIT] = "over a size limit",
	[TRANSCRIPT_E_SYNTAX] = "not a JSON object",
	[TRANSCRIPT_E_CANON] = "not in canonical form",
	[TRANSCRIPT_E_SCHEMA] = "malformed record",
	[TRANSCRIPT_E_SECRET] = "data field named like a secret",
	[TRANSCRIPT_E_EVENT] = "unknown or misplaced event",
	[TRANSCRIPT_E_SEQ] = "sequence number out of order",
	[TRANSCRIPT_E_TIME] = "time goes backwards",
	[TRANSCRIPT_E_CHAIN] = "hash chain broken",
	[TRANSCRIPT_E_SIG] = "signature does not verify",
	[TRANSCRIPT_E_FINAL] = "final digest does not match",
	[TRANSCRIPT_E_CONFLICT] = "record contradicts an earlier record",
	[TRANSCRIPT_E_AFTER] = "record after the closing record",
	[TRANSCRIPT_E_TRUNCATED] = "truncated",
	[TRANSCRIPT_E_INCOMPLETE] = "no closing record",
	[TRANSCRIPT_E_ARTIFACT] = "artifact missing or altered",
	[TRANSCRIPT_E_CERT] = "certificate, CSR or CRL does not verify",
	[TRANSCRIPT_E_ANCHOR] = "not anchored: no proof of possession",
	[TRANSCRIPT_E_MODE] = "rehearsal and production mixed",
};

const char *transcript_strerror(enum transcript_err err)
{
	if ((size_t)err >= sizeof(messages) / sizeof(messages[0]))
		return "unknown error";
	return messages[err];
}

const char *transcript_errname(enum transcript_err err)
{
	if ((size_t)err >= sizeof(errnames) / sizeof(errnames[0]))
		return "unknown";
	return errnames[err];
}
