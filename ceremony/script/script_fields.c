/*
 * Typed reading of the mappings of a script (the YAML tree of script_yaml.c): text, ids,
 * numbers, booleans, enumerations, lists, hex, references, and the composite values (validity,
 * subject, name constraints, file names). Every failure names its key and line.
 */
#include "ceremony/script/script_fields.h"
#include "ceremony/base/fpr.h"
#include "ceremony/base/utf8.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct ynode *field_get(const struct ynode *map, const char *key)
{
	for (const struct ynode *k = map->head; k != NULL && k->next != NULL; k = k->next->next)
		if (strcmp(k->text, key) == 0)
			return k->next;
	return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* node must be a mapping whose keys are all in allowed, each once. */
enum script_err field_map(struct script_ctx *c, const struct ynode *node, const char *what,
			  const char *const *allowed)
{
	if (node->type != Y_MAP)
		return script_fail(c, node->line, SCRIPT_E_SCHEMA, "%s must be a mapping", what);
	for (const struct ynode *k = node->head; k != NULL; k = k->next->next) {
		if (!in_list(allowed, k->text))
			return script_fail(c, k->line, SCRIPT_E_SCHEMA, "unknown key '%s' in %s",
					   script_q(c, k->text), what);
		for (const struct ynode *j = node->head; j != k; j = j->next->next)
			if (strcmp(j->text, k->text) == 0)
				return script_fail(c, k->line, SCRIPT_E_SCHEMA,
						   "duplicate key '%s' (first on line %u)",
						   script_q(c, k->text), j->line);
	}
	return SCRIPT_OK;
}

static bool is_null(const struct ynode *n)
{
	return n->plain &&
	       (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
		strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

/* *out: the value of key, or NULL when absent (an error if FIELD_REQ). */
enum script_err field_value(struct script_ctx *c, const struct ynode *map, const char *what,
			    const char *key, unsigned flags, const struct ynode **out)
{
	*out = field_get(map, key);
	if (*out == NULL && (flags & FIELD_REQ))
		return script_fail(c, map->line, SCRIPT_E_SCHEMA, "missing key '%s' in %s", key,
				   what);
	return SCRIPT_OK;
}

enum script_err field_scalar(struct script_ctx *c, const struct ynode *v, const char *key)
{
	if (v->type != Y_SCALAR)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be a single value", key);
	if (is_null(v))
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' has no value", key);
	return SCRIPT_OK;
}

enum script_err field_text(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, unsigned flags, size_t max, const char **out)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	size_t len;

	*out = NULL;
	if (field_value(c, map, what, key, flags, &v) != SCRIPT_OK || v == NULL)
		return script_failed(c);
	if (field_scalar(c, v, key) != SCRIPT_OK)
		return script_failed(&p->c);
	if (v->len > max)
		return script_fail(c, v->line, SCRIPT_E_RANGE, "'%s' is longer than %zu bytes", key,
				   max);
	if (!(flags & FIELD_MULTILINE) && memchr(v->text, '\n', v->len) != NULL)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be one line", key);
	len = v->len;
	/* A block field_scalar keeps its last line break; the text does not need it. */
	while ((flags & FIELD_MULTILINE) && len > 0 && v->text[len - 1] == '\n')
		len--;
	if (len == 0 || v->text[0] == ' ' || v->text[len - 1] == ' ')
		return script_fail(c, v->line, SCRIPT_E_SCHEMA,
				   "'%s' is empty, or starts or ends with a space", key);
	*out = script_arena_strndup(&p->mem, v->text, len);
	if (*out == NULL)
		return script_nomem(c);
	return SCRIPT_OK;
}

unsigned field_line(const struct ynode *map, const char *key)
{
	const struct ynode *v = field_get(map, key);

	return v != NULL ? v->line : map->line;
}

enum script_err field_id(struct script_parse *p, const struct ynode *map, const char *what,
			 const char *key, unsigned flags, size_t max, const char **out)
{
	if (field_text(p, map, what, key, flags, 256, out) != SCRIPT_OK)
		return script_failed(&p->c);
	if (*out != NULL && !script_valid_id(*out, max))
		return script_fail(&p->c, field_line(map, key), SCRIPT_E_SCHEMA,
				   "'%s' is not a valid name: '%s' (1 to %zu of a-z, 0-9, '-')",
				   key, script_q(&p->c, *out), max);
	return SCRIPT_OK;
}

/* A decimal number written plainly: no sign, no leading zero, no quotes. */
enum script_err field_uint(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, unsigned flags, unsigned min, unsigned max,
			   unsigned *out, int *present)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	unsigned long val = 0;

	if (present != NULL)
		*present = 0;
	if (field_value(c, map, what, key, flags, &v) != SCRIPT_OK || v == NULL)
		return script_failed(c);
	if (field_scalar(c, v, key) != SCRIPT_OK)
		return script_failed(&p->c);
	if (!v->plain || v->len > 9 || (v->len > 1 && v->text[0] == '0'))
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be a number", key);
	for (size_t i = 0; i < v->len; i++) {
		if (v->text[i] < '0' || v->text[i] > '9')
			return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be a number",
					   key);
		val = val * 10 + (unsigned long)(v->text[i] - '0');
	}
	if (val < min || val > max)
		return script_fail(c, v->line, SCRIPT_E_RANGE,
				   "'%s' must be from %u to %u, not %lu", key, min, max, val);
	*out = (unsigned)val;
	if (present != NULL)
		*present = 1;
	return SCRIPT_OK;
}

enum script_err field_bool(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, bool *out)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;

	*out = false;
	if (field_value(c, map, what, key, 0, &v) != SCRIPT_OK || v == NULL)
		return script_failed(c);
	if (field_scalar(c, v, key) != SCRIPT_OK)
		return script_failed(&p->c);
	if (v->plain && strcmp(v->text, "true") == 0)
		*out = true;
	else if (!v->plain || strcmp(v->text, "false") != 0)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be true or false", key);
	return SCRIPT_OK;
}

enum script_err field_enum(struct script_parse *p, const struct ynode *map, const char *what,
			   const char *key, unsigned flags, const struct script_names *names,
			   unsigned *out)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	char list[160];
	size_t used = 0;

	if (field_value(c, map, what, key, flags, &v) != SCRIPT_OK || v == NULL)
		return script_failed(c);
	if (field_scalar(c, v, key) != SCRIPT_OK)
		return script_failed(&p->c);
	if (script_name_find(names, v->text, out))
		return SCRIPT_OK;
	list[0] = '\0';
	for (unsigned i = 0; i < names->count && used < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 names->name[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be one of: %s (not '%s')", key,
			   list, script_q(c, v->text));
}

enum script_err field_seq(struct script_parse *p, const struct ynode *map, const char *what,
			  const char *key, unsigned flags, unsigned min, unsigned max,
			  const struct ynode **out)
{
	struct script_ctx *c = &p->c;

	if (field_value(c, map, what, key, flags, out) != SCRIPT_OK || *out == NULL)
		return script_failed(c);
	if ((*out)->type != Y_SEQ)
		return script_fail(c, (*out)->line, SCRIPT_E_SCHEMA, "'%s' must be a list", key);
	if ((*out)->count < min || (*out)->count > max)
		return script_fail(c, (*out)->line, SCRIPT_E_RANGE,
				   "'%s' must have %u to %u entries, not %u", key, min, max,
				   (*out)->count);
	return SCRIPT_OK;
}

/* Exactly n bytes as 2n hex digits, together or grouped in fours as the screen prints them. */
enum script_err field_hex(struct script_parse *p, const struct ynode *map, const char *what,
			  const char *key, unsigned flags, unsigned char *out, size_t n,
			  bool *present)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;

	*present = false;
	if (field_value(c, map, what, key, flags, &v) != SCRIPT_OK || v == NULL)
		return script_failed(c);
	if (field_scalar(c, v, key) != SCRIPT_OK)
		return script_failed(&p->c);
	if (fpr_parse_hex(v->text, v->len, out, n) != 0)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA,
				   "'%s' must be %zu hex digits (together, or in groups of four "
				   "as printed)",
				   key, 2 * n);
	*present = true;
	return SCRIPT_OK;
}

/* A key that this kind of entry must not have. */
enum script_err field_only_if(struct script_ctx *c, const struct ynode *map, const char *key,
			      bool allowed, const char *why)
{
	const struct ynode *v = field_get(map, key);

	if (v != NULL && !allowed)
		return script_fail(c, v->line, SCRIPT_E_RULE, "'%s' %s", key, why);
	return SCRIPT_OK;
}

enum script_err field_require_if(struct script_ctx *c, const struct ynode *map, const char *key,
				 bool required, const char *why)
{
	if (required && field_get(map, key) == NULL)
		return script_fail(c, map->line, SCRIPT_E_RULE, "missing '%s': %s", key, why);
	return SCRIPT_OK;
}

enum script_err field_duplicate(struct script_parse *p, unsigned line, const char *noun,
				const char *id, unsigned first)
{
	return script_fail(&p->c, line, SCRIPT_E_REFERENCE,
			   "%s '%s' is defined twice (first on line %u)", noun, script_q(&p->c, id),
			   first);
}

enum script_err field_unknown(struct script_parse *p, const struct ynode *map, const char *key,
			      const char *noun, const char *id)
{
	return script_fail(&p->c, field_line(map, key), SCRIPT_E_REFERENCE, "no %s named '%s'",
			   noun, script_q(&p->c, id));
}

enum script_err field_rules(struct script_ctx *c, const struct ynode *map,
			    const struct field_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct field_rule *r = &rules[i];

		if ((r->need != NULL &&
		     field_require_if(c, map, r->key, r->required, r->need) != SCRIPT_OK) ||
		    (r->only != NULL &&
		     field_only_if(c, map, r->key, r->allowed, r->only) != SCRIPT_OK))
			return script_failed(c);
	}
	return SCRIPT_OK;
}

void *field_section(struct script_parse *p, const struct ynode *root, const char *key,
		    unsigned flags, unsigned max, size_t size, const struct ynode **seq)
{
	if (field_seq(p, root, "the script", key, flags, 1, max, seq) != SCRIPT_OK || *seq == NULL)
		return NULL;
	return field_array(p, (*seq)->count, size);
}

void *field_array(struct script_parse *p, size_t n, size_t size)
{
	void *a = script_arena_alloc(&p->mem, n * size + 1);

	if (a == NULL)
		script_nomem(&p->c);
	return a;
}

/* ---- composite values ------------------------------------------------------------------------ */

/* "25y" or "9131d". */
enum script_err field_validity(struct script_parse *p, const struct ynode *map, const char *what,
			       const char *key, unsigned flags, struct script_validity *out)
{
	const char *s;
	unsigned long n = 0;
	size_t len;

	if (field_text(p, map, what, key, flags, 16, &s) != SCRIPT_OK || s == NULL)
		return script_failed(&p->c);
	len = strlen(s);
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] < '0' || s[i] > '9' || (i == 0 && s[i] == '0') || i > 5)
			goto bad;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	if (len < 2 || n == 0)
		goto bad;
	if (s[len - 1] == 'y' && n <= 100) {
		out->years = (unsigned)n;
		return SCRIPT_OK;
	}
	if (s[len - 1] == 'd' && n <= 36525) {
		out->days = (unsigned)n;
		return SCRIPT_OK;
	}
bad:
	return script_fail(&p->c, field_line(map, key), SCRIPT_E_SCHEMA,
			   "'%s' must be years as '25y' (1-100) or days as '365d' (1-36525)", key);
}

static const char *const rdn_types[] = {"C",  "ST",	      "L",  "O", "OU",
					"CN", "serialNumber", "DC", NULL};

/* "OU=00, CN=ZA": attributes in order, separated by commas; no escapes, so the characters
 * , + = \ " < > ; never appear in a value. */
enum script_err field_subject(struct script_parse *p, const struct ynode *map, const char *what,
			      struct script_name *name)
{
	struct script_ctx *c = &p->c;
	const char *s, *at;
	unsigned line = field_line(map, "subject");

	if (field_text(p, map, what, "subject", 0, 512, &s) != SCRIPT_OK || s == NULL)
		return script_failed(c);
	name->text = s;
	for (at = s;;) {
		const char *eq, *end;
		size_t tlen, vlen;
		struct script_rdn *r;
		char type[16];

		if (name->count == SCRIPT_MAX_RDNS)
			return script_fail(c, line, SCRIPT_E_RANGE,
					   "'subject' has more than %d attributes",
					   SCRIPT_MAX_RDNS);
		while (*at == ' ')
			at++;
		end = at + strcspn(at, ",");
		eq = memchr(at, '=', (size_t)(end - at));
		if (eq == NULL)
			return script_fail(c, line, SCRIPT_E_SCHEMA,
					   "'subject' must read like 'OU=00, CN=ZA'");
		tlen = (size_t)(eq - at);
		if (tlen == 0 || tlen >= sizeof(type))
			return script_fail(c, line, SCRIPT_E_SCHEMA,
					   "'subject' has an empty or unknown attribute type");
		memcpy(type, at, tlen);
		type[tlen] = '\0';
		r = &name->rdn[name->count];
		r->type = NULL;
		for (size_t i = 0; rdn_types[i] != NULL; i++)
			if (strcmp(rdn_types[i], type) == 0)
				r->type = rdn_types[i];
		if (r->type == NULL)
			return script_fail(
			    c, line, SCRIPT_E_SCHEMA,
			    "'subject' attribute '%s' is not one of C, ST, L, O, OU, "
			    "CN, serialNumber, DC",
			    script_q(c, type));
		vlen = (size_t)(end - eq - 1);
		if (vlen == 0 || eq[1] == ' ' || eq[vlen] == ' ' ||
		    utf8_columns(eq + 1, vlen) > 64 || strcspn(eq + 1, "+=\\\"<>;") < vlen ||
		    eq[1] == '#')
			return script_fail(
			    c, line, SCRIPT_E_SCHEMA,
			    "'subject' value of %s must be 1 to 64 characters, without "
			    "spaces around it or any of , + = \\ \" < > ;",
			    r->type);
		if (strcmp(r->type, "C") == 0 &&
		    (vlen != 2 || eq[1] < 'A' || eq[1] > 'Z' || eq[2] < 'A' || eq[2] > 'Z'))
			return script_fail(c, line, SCRIPT_E_SCHEMA,
					   "'subject' country must be two capital letters");
		r->value = script_arena_strndup(&p->mem, eq + 1, vlen);
		if (r->value == NULL)
			return script_nomem(c);
		name->count++;
		if (*end == '\0')
			break;
		at = end + 1;
	}
	return SCRIPT_OK;
}

enum script_err field_constraints(struct script_parse *p, const struct ynode *nc, const char *key,
				  struct script_constraint *out, unsigned *count)
{
	static const char *const prefixes[] = {"dns:", "email:", "uri:", "ip:"};
	const struct ynode *seq;

	if (field_seq(p, nc, "name-constraints", key, 0, 1, SCRIPT_MAX_CONSTRAINTS, &seq) !=
	    SCRIPT_OK)
		return script_failed(&p->c);
	if (seq == NULL)
		return SCRIPT_OK;
	for (const struct ynode *e = seq->head; e != NULL; e = e->next) {
		struct script_constraint *ct = &out[(*count)++];
		size_t i;
		int ok = 0;

		if (field_scalar(&p->c, e, key) != SCRIPT_OK)
			return script_failed(&p->c);
		for (i = 0; i < COUNT(prefixes); i++)
			if (strncmp(e->text, prefixes[i], strlen(prefixes[i])) == 0)
				break;
		if (i < COUNT(prefixes)) {
			const char *v = e->text + strlen(prefixes[i]);

			ct->type = (enum script_constraint_type)i;
			switch (ct->type) {
			case SCRIPT_NC_DNS:
			case SCRIPT_NC_URI:
				ok = script_valid_host(v, true);
				break;
			case SCRIPT_NC_EMAIL:
				ok = script_valid_email(v);
				break;
			case SCRIPT_NC_IP:
				ok = script_valid_cidr(v);
				break;
			}
			ct->value = script_arena_strndup(&p->mem, v, strlen(v));
			if (ct->value == NULL)
				return script_nomem(&p->c);
		}
		if (!ok)
			return script_fail(&p->c, e->line, SCRIPT_E_SCHEMA,
					   "name constraint '%s' must be dns:HOST, email:ADDRESS, "
					   "uri:HOST or ip:ADDRESS/PREFIX",
					   script_q(&p->c, e->text));
	}
	return SCRIPT_OK;
}

enum script_err field_file(struct script_parse *p, const struct ynode *map, const char *what,
			   unsigned flags, const char **out)
{
	if (field_text(p, map, what, "file", flags, 256, out) != SCRIPT_OK)
		return script_failed(&p->c);
	if (*out != NULL && !script_valid_file(*out))
		return script_fail(
		    &p->c, field_line(map, "file"), SCRIPT_E_SCHEMA,
		    "'file' must be a plain file name (1 to %d of A-Z a-z 0-9 . _ -, "
		    "not starting with . or -)",
		    SCRIPT_FILE_MAX);
	return SCRIPT_OK;
}
