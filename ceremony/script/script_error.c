/*
 * Errors of the script reader: the first failure is recorded with its line and a printable
 * message, later ones are dropped. The lowest layer of the reader (script_impl.h).
 */
#include "ceremony/script/script_impl.h"
#include "ceremony/base/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum script_err script_fail(struct script_ctx *c, unsigned line, enum script_err code,
			    const char *fmt, ...)
{
	va_list ap;
	size_t bad;

	if (c->failed)
		return c->err->code;
	c->failed = 1;
	c->err->code = code;
	c->err->line = line;
	va_start(ap, fmt);
	vsnprintf(c->err->message, sizeof(c->err->message), fmt, ap);
	va_end(ap);
	/* A message cut at the buffer's end may end inside a UTF-8 character; the message must
	 * stay printable UTF-8 (script.h), so the partial character goes. */
	if (utf8_printable((const unsigned char *)c->err->message, strlen(c->err->message), 0,
			   &bad) != 0)
		c->err->message[bad] = '\0';
	return code;
}

enum script_err script_failed(const struct script_ctx *c)
{
	return c->failed ? c->err->code : SCRIPT_OK;
}

enum script_err script_nomem(struct script_ctx *c)
{
	return script_fail(c, 0, SCRIPT_E_NOMEM, "out of memory");
}

const char *script_q(struct script_ctx *c, const char *s)
{
	char *b = c->quoted[c->next_quote++ % 4];
	size_t len = strcspn(s, "\n");
	size_t cut = utf8_prefix(s, len, 40);

	memcpy(b, s, cut);
	if (cut < len) {
		memcpy(b + cut, "...", 4);
	} else {
		b[cut] = '\0';
	}
	return b;
}

const char *script_strerror(enum script_err err)
{
	switch (err) {
	case SCRIPT_E_SIGNED_: /* never returned */
		break;
	case SCRIPT_OK:
		return "valid";
	case SCRIPT_E_IO:
		return "cannot read the script";
	case SCRIPT_E_NOMEM:
		return "out of memory";
	case SCRIPT_E_TOO_BIG:
		return "script too large";
	case SCRIPT_E_TEXT:
		return "not printable UTF-8";
	case SCRIPT_E_YAML:
		return "YAML not accepted";
	case SCRIPT_E_SCHEMA:
		return "malformed script";
	case SCRIPT_E_RANGE:
		return "value out of range";
	case SCRIPT_E_REFERENCE:
		return "unresolved or duplicate name";
	case SCRIPT_E_RULE:
		return "ceremony rule broken";
	}
	return "unknown error";
}
