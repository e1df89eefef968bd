/*
 * Typed reading of a script's mappings (script_fields.c), for the section readers. Private to the
 * script reader; its place in the order is in script_impl.h.
 *
 * Each field_X(p, map, what, key, flags, ...) reads the value of key in the mapping map (an entry
 * of the section what, "a key" say), checks its type and range, and stores it; an absent key
 * leaves the output NULL or unchanged, and is an error with FIELD_REQ.
 */
#ifndef CEREMONY_SCRIPT_FIELDS_H
#define CEREMONY_SCRIPT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "ceremony/script/script_impl.h"

#define FIELD_REQ	1u /* the key must be present */
#define FIELD_MULTILINE 2u /* text may span lines */

/* The parse state: the plan being filled, its arena, and the tree. */
struct script_parse {
	struct script_ctx c;
	struct script_arena mem;
	struct script_arena tree;
	struct script_plan *plan;
};

/* The value of key in map, or NULL. */
const struct ynode *field_get(const struct ynode *map, const char *key);
/* The line of key's value, or of map when key is absent. */
unsigned field_line(const struct ynode *map, const char *key);
/* node must be a mapping whose keys are all in allowed (NULL-terminated), each once. */
enum script_err field_map(struct script_ctx *c, const struct ynode *node, const char *what,
			  const char *const *allowed);
/* *out: the value of key, or NULL when absent (an error with FIELD_REQ). */
enum script_err field_value(struct script_ctx *c, const struct ynode *map, const char *what,
			    const char *key, unsigned flags, const struct ynode **out);
/* v must be one non-null value. */
enum script_err field_scalar(struct script_ctx *c, const struct ynode *v, const char *key);

/* Text of at most max bytes, one line unless FIELD_MULTILINE, copied into the plan. */
enum script_err field_text(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, unsigned flags, size_t max, const char **out);
/* An identifier of at most max characters (script_valid_id). */
enum script_err field_id(struct script_parse *p, const struct ynode *map, const char *what,
			 const char *key, unsigned flags, size_t max, const char **out);
/* A plain decimal number in min..max; *present says whether the key is there (may be NULL). */
enum script_err field_uint(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, unsigned flags, unsigned min, unsigned max,
			   unsigned *out, int *present);
enum script_err field_bool(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, bool *out);
/* One of names; *out keeps its value when the key is absent and optional. */
enum script_err field_enum(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, unsigned flags, const struct script_names *names,
			   unsigned *out);
/* A list of min..max entries. */
enum script_err field_seq(struct script_parse *p, const struct ynode *map, const char *what,
			  const char *key, unsigned flags, unsigned min, unsigned max,
			  const struct ynode **out);
/* Exactly n bytes as 2n hex digits. */
enum script_err field_hex(struct script_parse *p, const struct ynode *map, const char *what,
			  const char *key, unsigned flags, unsigned char *out, size_t n,
			  bool *present);
/* "25y" or "9131d". */
enum script_err field_validity(struct script_parse *p, const struct ynode *map, const char *what,
			       const char *key, unsigned flags, struct script_validity *out);
/* The key 'subject': "OU=00, CN=ZA". */
enum script_err field_subject(struct script_parse *p, const struct ynode *map, const char *what,
			      struct script_name *name);
/* The list key ("permitted", "excluded") of a name-constraints mapping. */
enum script_err field_constraints(struct script_parse *p, const struct ynode *nc, const char *key,
				  struct script_constraint *out, unsigned *count);
/* The key 'file': a plain file name (script_valid_file). */
enum script_err field_file(struct script_parse *p, const struct ynode *map, const char *what,
			   unsigned flags, const char **out);

/* A key this kind of entry must not have: "'KEY' why" at its line. */
enum script_err field_only_if(struct script_ctx *c, const struct ynode *map, const char *key,
			      bool allowed, const char *why);
/* A key this kind of entry must have: "missing 'KEY': why" at the entry's line. */
enum script_err field_require_if(struct script_ctx *c, const struct ynode *map, const char *key,
				 bool required, const char *why);

/* Which keys an entry must and may have, in the order they are checked: when required and key
 * is absent, "missing" with need; when not allowed and key is present, key with only. */
struct field_rule {
	const char *key;
	bool required, allowed;
	const char *need, *only; /* NULL: that half is not checked */
};
enum script_err field_rules(struct script_ctx *c, const struct ynode *map,
			    const struct field_rule *rules, size_t n);

/* "NOUN 'ID' is defined twice (first on line FIRST)". */
enum script_err field_duplicate(struct script_parse *p, unsigned line, const char *noun,
				const char *id, unsigned first);
/* "no NOUN named 'ID'" at key's line. */
enum script_err field_unknown(struct script_parse *p, const struct ynode *map, const char *key,
			      const char *noun, const char *id);
/* n zeroed elements of size bytes from the plan's arena; NULL with the error recorded. */
void *field_array(struct script_parse *p, size_t n, size_t size);

/* A section of the script: the list under key in root (1 to max entries), and room for its
 * entries in the plan, size bytes each. NULL when the list is absent (no error unless
 * FIELD_REQ) or on error (recorded). */
void *field_section(struct script_parse *p, const struct ynode *root, const char *key,
		    unsigned flags, unsigned max, size_t size, const struct ynode **seq);

/* A reference by id to an entry of another section: out is the entry finder (script_find_X)
 * returns, or NULL when the key is absent. Returns from the calling function on error. */
#define FIELD_REF(p, map, what, key, flags, finder, noun, out)                                     \
	do {                                                                                       \
		const char *ref_;                                                                  \
		(out) = NULL;                                                                      \
		if (field_id(p, map, what, key, flags, SCRIPT_CEREMONY_ID_MAX, &ref_) !=           \
		    SCRIPT_OK)                                                                     \
			return script_failed(&(p)->c);                                             \
		if (ref_ != NULL && ((out) = finder((p)->plan, ref_)) == NULL)                     \
			return field_unknown(p, map, key, noun, ref_);                             \
	} while (0)

#endif
