/*
 * Private to the script reader. Its modules call in one direction only, each using those above
 * it in this list and none below:
 *
 *   script_error.c    the first error, with its line and a printable message; quoting
 *   script_yaml.c     the arena that holds a plan, and the YAML subset read into a small tree
 *   script_syntax.c   syntaxes of plain values (ids, OIDs, hosts, prefixes, addresses, files)
 *   script_names.c    names of the enumerations as written in scripts (not the actions)
 *   script_plan.c     plan queries that do not depend on actions (lookups, sets, actors)
 *   script_fields.c   typed reading of mappings: text, ids, numbers, enums, references...
 *                     (script_fields.h)
 *   action_util.c     what the functions of the actions share (action.h)
 *   action_<family>.c per action: its rule, the inputs it reads, the keys it uses, its summary
 *                     (session, keys, certs, contingency; none calls another family)
 *   action.c          the table of step actions, and the public lookups into it
 *   script_keys.c     the keys section read into the plan
 *   script_sections.c the other sections: participants, sets, media, inputs, outputs, steps
 *   script_rules.c    the rules that span sections, and the walk over the steps
 *   script.c          script_parse, script_load, script_free: bytes -> tree -> plan -> rules
 *
 * Functions that can fail return enum script_err: SCRIPT_OK, or the code of the error recorded
 * in their struct script_ctx (only the first is kept).
 */
#ifndef CEREMONY_SCRIPT_IMPL_H
#define CEREMONY_SCRIPT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "ceremony/script/script.h"

/* ---- errors (script_error.c) ------------------------------------------------------------- */

struct script_ctx {
	struct script_error *err;
	struct script_plan *plan;
	int failed;
	/* Ring of buffers for values quoted in messages (truncated at a character boundary). */
	char quoted[4][56];
	unsigned next_quote;
};

/* Records the first error (later ones are dropped) and returns its code. */
enum script_err script_fail(struct script_ctx *c, unsigned line, enum script_err code,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The code of the error recorded, or SCRIPT_OK when none is. */
enum script_err script_failed(const struct script_ctx *c);

/* script_fail for SCRIPT_E_NOMEM, "out of memory", line 0. */
enum script_err script_nomem(struct script_ctx *c);

/* s quoted for a message: at most 40 columns, one line. Valid until four more calls. */
const char *script_q(struct script_ctx *c, const char *s);

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

/* ---- the YAML subset (script_yaml.c) ------------------------------------------------------ */

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
 * 5) into a tree allocated from a. */
enum script_err script_yaml_tree(struct script_ctx *c, struct script_arena *a,
				 const unsigned char *buf, size_t len, struct ynode **root);

/* ---- value syntaxes (script_syntax.c): each returns 1 when s is well formed, else 0 -------- */

int script_valid_id(const char *s, size_t max); /* 1..max of a-z 0-9 '-', no '-' at an end */
int script_valid_oid(const char *s);		/* dotted OID, at least two arcs */
int script_valid_host(const char *s, bool leading_dot); /* DNS name; ".example" if allowed */
int script_valid_cidr(const char *s);  /* IPv4 or IPv6 address/prefix, host bits zero */
int script_valid_email(const char *s); /* local@host, or a host (leading dot allowed) */
int script_valid_file(const char *s);  /* a plain file name on a medium */

/* ---- names (script_names.c) --------------------------------------------------------------- */

/* The names of one enumeration, indexed by its values. */
struct script_names {
	const char *const *name;
	unsigned count;
};

extern const struct script_names script_roles, script_profiles, script_kinds, script_algorithms,
    script_origins, script_input_types, script_sources, script_output_types, script_medium_kinds;

/* names->name[i], or "?" when i is out of range. */
const char *script_name_of(const struct script_names *names, unsigned i);

/* Sets *i to the value named s, or returns false when none is. */
bool script_name_find(const struct script_names *names, const char *s, unsigned *i);

/* The CRL reason written as name; false when there is none. */
bool script_crl_reason_by_name(const char *name, enum script_crl_reason *out);

/* ---- plan queries (script_plan.c), besides those of script.h ------------------------------ */

/* Whether p is a member of set. */
bool script_set_has(const struct script_custodian_set *set, const struct script_participant *p);

/* How many participants have the role. */
unsigned script_role_count(const struct script_plan *plan, enum script_role role);

/* ---- the sections (script_sections.c, script_keys.c) and the rules (script_rules.c) ------- */

struct script_parse;
enum script_err script_parse_participants(struct script_parse *p, const struct ynode *root);
enum script_err script_parse_sets(struct script_parse *p, const struct ynode *root);
enum script_err script_parse_media(struct script_parse *p, const struct ynode *root);
enum script_err script_parse_inputs(struct script_parse *p, const struct ynode *root);
enum script_err script_parse_keys(struct script_parse *p, const struct ynode *root);
enum script_err script_parse_outputs(struct script_parse *p, const struct ynode *root);
enum script_err script_parse_steps(struct script_parse *p, const struct ynode *root);

/* The rules that span sections: key relations, outputs, media, step order. */
enum script_err script_check_rules(struct script_ctx *c);

#endif
