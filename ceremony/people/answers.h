/*
 * Answers files: prompt id -> answer, for non-interactive runs and rehearsals (docs/answers.md,
 * format version 1). A line is "id = value", a comment ("#" in column 1) or empty.
 *
 * Contract:
 * - Input is at most ANSWERS_MAX_BYTES of printable UTF-8 with LF line ends; the first entry is
 *   "version = 1"; ids are unique and well formed; values are at most ANSWERS_VALUE_MAX bytes and
 *   neither start nor end with a space.
 * - Values may be secrets (passphrases, dice rolls): the whole file is kept in sodium_malloc
 *   memory, wiped by answers_free(). No error message ever contains a value.
 * - On failure *out is NULL, err names the line, and nothing is left allocated.
 */
#ifndef CEREMONY_ANSWERS_H
#define CEREMONY_ANSWERS_H

#include <stdbool.h>
#include <stddef.h>

#define ANSWERS_VERSION	    1
#define ANSWERS_MAX_BYTES   (64 * 1024)
#define ANSWERS_MAX_ENTRIES 4096
#define ANSWERS_VALUE_MAX   1024
#define ANSWERS_ID_MAX	    128
/* The value that answers a copy-back prompt with what the program showed (rehearsal only). */
#define ANSWERS_SHOWN "@shown"

enum answers_err {
	ANSWERS_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	ANSWERS_OK = 0,
	ANSWERS_E_IO,	     /* cannot read the file (operational) */
	ANSWERS_E_NOMEM,     /* out of memory (operational) */
	ANSWERS_E_TOO_BIG,   /* more than ANSWERS_MAX_BYTES, or too many entries */
	ANSWERS_E_TEXT,	     /* not printable UTF-8, a tab or a CR */
	ANSWERS_E_SYNTAX,    /* a line that is not "id = value", a comment or empty */
	ANSWERS_E_ID,	     /* a malformed prompt id */
	ANSWERS_E_DUPLICATE, /* the same id twice */
	ANSWERS_E_VERSION,   /* no "version = 1" first */
	ANSWERS_E_VALUE,     /* a value too long, with outer spaces, or an unknown @directive */
};

struct answers_error {
	enum answers_err code;
	unsigned line;	   /* 1-based; 0 when there is no place */
	char message[160]; /* never holds a value */
};

struct answers;

enum answers_err answers_load(const char *path, struct answers **out, struct answers_error *err);
enum answers_err answers_parse(const unsigned char *buf, size_t len, struct answers **out,
			       struct answers_error *err);
/* Wipes and frees; NULL is allowed. */
void answers_free(struct answers *a);
const char *answers_strerror(enum answers_err err);

/* True when id is a well-formed prompt id: 2 to 8 dot-separated components of 1 to 32
 * characters from a-z 0-9 '-', at most ANSWERS_ID_MAX bytes. */
bool answers_valid_id(const char *id);

/* Looks id up. Returns true and marks the answer used when present: *value then points at the
 * NUL-terminated answer inside the answers' secure memory (valid until answers_free; copy it, do
 * not keep it), *len is its length, *shown is true when the answer is ANSWERS_SHOWN (*value is
 * then ""). Returns false when absent. */
bool answers_get(struct answers *a, const char *id, const char **value, size_t *len, bool *shown);

/* The optional "ceremony = <script id>" entry, or NULL. */
const char *answers_ceremony(const struct answers *a);

/* Number of prompt answers (version and ceremony entries excluded). */
size_t answers_count(const struct answers *a);

/* Answers never looked up, in file order: start with *pos = 0; returns the next id or NULL. */
const char *answers_next_unused(const struct answers *a, size_t *pos);

#endif
