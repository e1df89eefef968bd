/*
 * Answers files, parsed in place inside one sodium_malloc buffer: entries point into it, line
 * ends become NULs. The file may hold passphrases, so nothing from it is copied anywhere else.
 */
#include "ceremony/people/answers.h"
#include "ceremony/base/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID_PARTS_MIN 2
#define ID_PARTS_MAX 8
#define ID_PART_MAX  32

struct entry {
	const char *id;
	const char *value;
	size_t len;
	unsigned line;
	bool shown;
	bool used;
};

struct answers {
	unsigned char *buf; /* sodium_malloc, size + 1 bytes */
	size_t size;
	struct entry *entries;
	size_t count;
	const char *ceremony;
};

static enum answers_err fail(struct answers_error *err, enum answers_err code, unsigned line,
			     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum answers_err fail(struct answers_error *err, enum answers_err code, unsigned line,
			     const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

const char *answers_strerror(enum answers_err err)
{
	switch (err) {
	case ANSWERS_E_SIGNED_: /* never returned */
		break;
	case ANSWERS_OK:
		return "valid";
	case ANSWERS_E_IO:
		return "cannot read the answers file";
	case ANSWERS_E_NOMEM:
		return "out of memory";
	case ANSWERS_E_TOO_BIG:
		return "answers file too large";
	case ANSWERS_E_TEXT:
		return "not printable UTF-8";
	case ANSWERS_E_SYNTAX:
		return "malformed line";
	case ANSWERS_E_ID:
		return "malformed prompt id";
	case ANSWERS_E_DUPLICATE:
		return "prompt answered twice";
	case ANSWERS_E_VERSION:
		return "missing or unsupported version";
	case ANSWERS_E_VALUE:
		return "malformed value";
	}
	return "unknown error";
}

bool answers_valid_id(const char *id)
{
	size_t len = strlen(id), part = 0, parts = 1;

	if (len == 0 || len > ANSWERS_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = id[i];

		if (ch == '.') {
			if (part == 0)
				return false;
			part = 0;
			parts++;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
		if (++part > ID_PART_MAX)
			return false;
	}
	return part > 0 && parts >= ID_PARTS_MIN && parts <= ID_PARTS_MAX;
}

void answers_free(struct answers *a)
{
	if (a == NULL)
		return;
	if (a->buf != NULL) {
		sodium_memzero(a->buf, a->size + 1);
		sodium_free(a->buf);
	}
	free(a->entries);
	free(a);
}

/* One "id = value" line (NUL-terminated, no LF). The reserved single-word ids version and
 * ceremony are handled by the caller. */
static enum answers_err parse_line(struct answers *a, char *line, unsigned no,
				   struct answers_error *err)
{
	char *eq = strstr(line, " =");
	struct entry *e;
	char *value;

	if (eq == NULL || eq == line || line[0] == ' ')
		return fail(err, ANSWERS_E_SYNTAX, no, "expected 'prompt.id = value'");
	/* "id = " would be an empty value or a lost space: refuse rather than guess. */
	if (line[strlen(line) - 1] == ' ')
		return fail(err, ANSWERS_E_VALUE, no, "the line ends with a space");
	*eq = '\0';
	value = eq + 2;
	if (*value == ' ') {
		value++;
	} else if (*value != '\0') {
		return fail(err, ANSWERS_E_SYNTAX, no, "expected 'prompt.id = value'");
	}
	if (strcmp(line, "version") != 0 && strcmp(line, "ceremony") != 0 &&
	    !answers_valid_id(line))
		return fail(err, ANSWERS_E_ID, no,
			    "malformed prompt id (dot-separated words of a-z 0-9 '-')");
	if (*value == ' ' || (*value != '\0' && value[strlen(value) - 1] == ' '))
		return fail(err, ANSWERS_E_VALUE, no,
			    "the answer to '%s' starts or ends with a space", line);
	if (strlen(value) > ANSWERS_VALUE_MAX)
		return fail(err, ANSWERS_E_VALUE, no,
			    "the answer to '%s' is longer than %d bytes", line, ANSWERS_VALUE_MAX);
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->entries[i].id, line) == 0)
			return fail(err, ANSWERS_E_DUPLICATE, no,
				    "'%s' is answered twice (first on line %u)", line,
				    a->entries[i].line);
	if (a->count == ANSWERS_MAX_ENTRIES)
		return fail(err, ANSWERS_E_TOO_BIG, no, "more than %d answers",
			    ANSWERS_MAX_ENTRIES);
	e = &a->entries[a->count];
	e->id = line;
	e->line = no;
	if (value[0] == '@' && value[1] == '@') {
		value++; /* "@@x" is the literal "@x" */
	} else if (strlen(value) == sizeof(ANSWERS_SHOWN) - 1 &&
		   sodium_memcmp(value, ANSWERS_SHOWN, sizeof(ANSWERS_SHOWN) - 1) == 0) {
		/* The value may be a secret (a passphrase): compared in constant time, its length
		 * being public here as everywhere in this file. */
		e->shown = true;
		value += strlen(value);
	} else if (value[0] == '@') {
		return fail(err, ANSWERS_E_VALUE, no,
			    "the answer to '%s' is an unknown directive (only %s; write @@ for a "
			    "literal @)",
			    line, ANSWERS_SHOWN);
	}
	e->value = value;
	e->len = strlen(value);
	a->count++;
	return ANSWERS_OK;
}

enum answers_err answers_parse(const unsigned char *buf, size_t len, struct answers **out,
			       struct answers_error *err)
{
	struct answers *a;
	size_t bad = 0, lines = 1;
	unsigned no = 0;
	char *line, *next;
	enum answers_err ret;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (len > ANSWERS_MAX_BYTES)
		return fail(err, ANSWERS_E_TOO_BIG, 0, "the answers file is larger than %d bytes",
			    ANSWERS_MAX_BYTES);
	if (utf8_printable(buf, len, UTF8_NEWLINE, &bad) != 0) {
		unsigned at = 1;

		for (size_t i = 0; i < bad; i++)
			at += buf[i] == '\n';
		return fail(err, ANSWERS_E_TEXT, at,
			    buf[bad] == '\t'   ? "a tab (use spaces)"
			    : buf[bad] == '\r' ? "a carriage return (use LF line ends)"
					       : "a character that is not printable UTF-8");
	}
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return fail(err, ANSWERS_E_NOMEM, 0, "out of memory");
	a->size = len;
	a->buf = sodium_malloc(len + 1);
	a->entries =
	    calloc(lines < ANSWERS_MAX_ENTRIES ? lines : ANSWERS_MAX_ENTRIES, sizeof(*a->entries));
	if (a->buf == NULL || a->entries == NULL) {
		ret = fail(err, ANSWERS_E_NOMEM, 0, "out of memory");
		goto out;
	}
	memcpy(a->buf, buf, len);
	a->buf[len] = '\0';
	for (line = (char *)a->buf; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		no++;
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((ret = parse_line(a, line, no, err)) != ANSWERS_OK)
			goto out;
		if (a->count == 1 && strcmp(a->entries[0].id, "version") != 0) {
			ret = fail(err, ANSWERS_E_VERSION, no,
				   "the first entry must be 'version = %d'", ANSWERS_VERSION);
			goto out;
		}
		if (a->count == 1 && strcmp(a->entries[0].value, "1") != 0) {
			ret = fail(err, ANSWERS_E_VERSION, no,
				   "answers format version is not supported (this program reads "
				   "version %d)",
				   ANSWERS_VERSION);
			goto out;
		}
		if (a->count > 1 && strcmp(a->entries[a->count - 1].id, "version") == 0) {
			ret = fail(err, ANSWERS_E_DUPLICATE, no, "'version' is given twice");
			goto out;
		}
		if (strcmp(a->entries[a->count - 1].id, "ceremony") == 0) {
			const char *c = a->entries[a->count - 1].value;

			/* The script id it belongs to: a-z 0-9 '-', as in scripts. */
			if (*c == '\0' || strlen(c) > 64 ||
			    strspn(c, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(c)) {
				ret = fail(err, ANSWERS_E_VALUE, no,
					   "'ceremony' must be a script id");
				goto out;
			}
			a->ceremony = c;
		}
	}
	if (a->count == 0) {
		ret = fail(err, ANSWERS_E_VERSION, 1, "the first entry must be 'version = %d'",
			   ANSWERS_VERSION);
		goto out;
	}
	*out = a;
	return ANSWERS_OK;
out:
	answers_free(a);
	return ret;
}

enum answers_err answers_load(const char *path, struct answers **out, struct answers_error *err)
{
	unsigned char *buf;
	size_t have = 0;
	struct stat st;
	enum answers_err ret = ANSWERS_E_IO;
	int fd;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(err, ANSWERS_E_IO, 0, "cannot read the answers file: %s",
			    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, ANSWERS_E_IO, 0, "the answers file is not a regular file");
	}
	buf = sodium_malloc(ANSWERS_MAX_BYTES + 1);
	if (buf == NULL) {
		close(fd);
		return fail(err, ANSWERS_E_NOMEM, 0, "out of memory");
	}
	while (have < ANSWERS_MAX_BYTES + 1) {
		ssize_t n = read(fd, buf + have, ANSWERS_MAX_BYTES + 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(err, ANSWERS_E_IO, 0, "cannot read the answers file: %s",
			     strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	ret = answers_parse(buf, have, out, err);
out:
	close(fd);
	sodium_memzero(buf, ANSWERS_MAX_BYTES + 1);
	sodium_free(buf);
	return ret;
}

bool answers_get(struct answers *a, const char *id, const char **value, size_t *len, bool *shown)
{
	for (size_t i = 0; i < a->count; i++) {
		struct entry *e = &a->entries[i];

		if (strcmp(e->id, id) == 0) {
			e->used = true;
			*value = e->value;
			*len = e->len;
			*shown = e->shown;
			return true;
		}
	}
	return false;
}

const char *answers_ceremony(const struct answers *a)
{
	return a->ceremony;
}

static bool reserved(const struct entry *e)
{
	return strcmp(e->id, "version") == 0 || strcmp(e->id, "ceremony") == 0;
}

size_t answers_count(const struct answers *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->count; i++)
		n += !reserved(&a->entries[i]);
	return n;
}

const char *answers_next_unused(const struct answers *a, size_t *pos)
{
	while (*pos < a->count) {
		const struct entry *e = &a->entries[(*pos)++];

		if (!e->used && !reserved(e))
			return e->id;
	}
	return NULL;
}
