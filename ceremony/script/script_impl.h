/* Private to the script reader (script.c, script_yaml.c, script_syntax.c, script_rules.c). */
#ifndef CEREMONY_SCRIPT_IMPL_H
#define CEREMONY_SCRIPT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "ceremony/script/script.h"

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

/* ---- memory (script_yaml.c): every string and array of a plan lives in one arena ---------- */

struct script_chunk {
	struct script_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct script_arena {
	struct script_chunk *head;
};

void *script_arena_alloc(struct script_arena *a, size_t n); /* zeroed; NULL when out of memory */
char *script_arena_strndup(struct script_arena *a, const char *s, size_t len);
void script_arena_free(struct script_arena *a);

/* ---- the YAML subset (script_yaml.c) ----------------------------------------------------------
 */

enum ytype { Y_SCALAR, Y_SEQ, Y_MAP };

/* A node: a scalar (text, NUL-terminated), or a container whose children are linked through
 * next (a mapping alternates key, value). */
struct ynode {
	enum ytype type;
	unsigned line;
	int plain;
	const char *text;
	size_t len;
	unsigned count;
	struct ynode *head, *tail, *next;
};

/* Reads buf as one YAML document of the accepted subset (docs/script.md, section 1, rules 4 and
 * 5) into a tree allocated from a. Returns 0, or -1 with the error recorded in c. */
int script_yaml_tree(struct script_ctx *c, struct script_arena *a, const unsigned char *buf,
		     size_t len, struct ynode **root);

/* Value syntaxes (script_syntax.c): each returns 1 when s is well formed, else 0. */
int script_valid_id(const char *s, size_t max); /* 1..max of a-z 0-9 '-', no '-' at an end */
int script_valid_oid(const char *s);		/* dotted OID, at least two arcs */
int script_valid_host(const char *s, bool leading_dot); /* DNS name; ".example" if allowed */
int script_valid_cidr(const char *s);  /* IPv4 or IPv6 address/prefix, host bits zero */
int script_valid_email(const char *s); /* local@host, or a host (leading dot allowed) */
int script_valid_file(const char *s);  /* a plain file name on a medium */

#endif
