/* Private to script.c and script_rules.c: the parse context and its error helper. */
#ifndef CEREMONY_SCRIPT_IMPL_H
#define CEREMONY_SCRIPT_IMPL_H

#include "ceremony/script.h"

struct script_ctx {
	struct script_error *err;
	struct script_plan *plan;
	int failed;
	/* Ring of buffers for values quoted in messages (truncated at a character boundary). */
	char quoted[4][56];
	unsigned next_quote;
};

/* Records the first error (later ones are dropped) and returns -1. */
int script_fail(struct script_ctx *c, unsigned line, enum script_err code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* s quoted for a message: at most 40 columns, one line. Valid until four more calls. */
const char *script_q(struct script_ctx *c, const char *s);

/* The rules that span sections: key relations, outputs, media, step order (script_rules.c).
 * Returns 0, or -1 with the error recorded. */
int script_check_rules(struct script_ctx *c);

#endif
