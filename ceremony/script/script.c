/*
 * Ceremony scripts: bytes -> printable-UTF-8 check -> YAML events (libyaml) -> a small tree
 * with line numbers -> typed sections -> rules (script_rules.c) -> plan. Each stage refuses what
 * it does not expect, naming the line.
 */
#include "ceremony/script/script.h"
#include "ceremony/script/script_impl.h"
#include "ceremony/base/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- errors ----------------------------------------------------------------------------- */

int script_fail(struct script_ctx *c, unsigned line, enum script_err code, const char *fmt, ...)
{
	va_list ap;
	size_t bad;

	if (c->failed)
		return -1;
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
	return -1;
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

const char *script_strerror(int err)
{
	switch (err) {
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

/* ---- names -------------------------------------------------------------------------------- */

static const char *const role_names[] = {"administrator", "witness", "custodian", "auditor"};
static const char *const profile_names[] = {"smki", "generic"};
static const char *const kind_names[] = {
    "root", "recovery", "contingency", "contingency-symmetric", "issuing", "generic"};
static const char *const alg_names[] = {"ec-p256", "ec-p384", "rsa-3072", "rsa-4096",
					"ed25519", "aes-128", "aes-256"};
static const char *const origin_names[] = {"generate", "shares", "csr", "certificate"};
static const char *const input_type_names[] = {"csr", "certificate", "shares", "transcript-digest"};
static const char *const source_names[] = {"any", "medium", "qr"};
static const char *const output_type_names[] = {"certificate", "csr", "crl", "transcript"};
static const char *const medium_kind_names[] = {"public", "custodian", "backup", "input"};

/* The fields each action takes: required and optional (docs/script.md, "Steps"). */
#define F_KEY	 1u
#define F_INPUT	 2u
#define F_OUTPUT 4u
#define F_SET	 8u
#define F_TEXT	 16u

static const struct {
	const char *name;
	unsigned required, optional;
} actions[SCRIPT_ACTION_COUNT] = {
    [SCRIPT_ACT_GO_NO_GO] = {"go-no-go", 0, 0},
    [SCRIPT_ACT_ATTENDANCE] = {"attendance", 0, 0},
    [SCRIPT_ACT_ENTROPY] = {"entropy", 0, 0},
    [SCRIPT_ACT_GENERATE_KEY] = {"generate-key", F_KEY, 0},
    [SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE] = {"issue-root-certificate", F_KEY | F_OUTPUT, 0},
    [SCRIPT_ACT_EXPORT_CSR] = {"export-csr", F_KEY | F_OUTPUT, 0},
    [SCRIPT_ACT_SHOW_FINGERPRINTS] = {"show-fingerprints", 0, F_KEY},
    [SCRIPT_ACT_SPLIT_SHARES] = {"split-shares", F_KEY, 0},
    [SCRIPT_ACT_TEST_RECONSTRUCTION] = {"test-reconstruction", F_KEY, 0},
    [SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS] = {"write-public-outputs", 0, 0},
    [SCRIPT_ACT_COLLECT_SHARES] = {"collect-shares", F_KEY, 0},
    [SCRIPT_ACT_SIGN_CSR] = {"sign-csr", F_KEY | F_OUTPUT, 0},
    [SCRIPT_ACT_SIGN_CRL] = {"sign-crl", F_KEY | F_OUTPUT, 0},
    [SCRIPT_ACT_IMPORT_CERTIFICATE] = {"import-certificate", F_KEY | F_INPUT, 0},
    [SCRIPT_ACT_CONTINGENCY_TEST] = {"contingency-test", F_KEY | F_INPUT, 0},
    [SCRIPT_ACT_CONTINGENCY_REPLACE] = {"contingency-replace", F_KEY | F_OUTPUT, 0},
    [SCRIPT_ACT_RESHARE] = {"reshare", F_KEY | F_SET, 0},
    [SCRIPT_ACT_ACKNOWLEDGE] = {"acknowledge", F_TEXT, 0},
    [SCRIPT_ACT_CLOSE] = {"close", 0, 0},
};

static const struct {
	const char *name;
	enum script_crl_reason reason;
} reasons[] = {
    {"unspecified", SCRIPT_REASON_UNSPECIFIED},
    {"key-compromise", SCRIPT_REASON_KEY_COMPROMISE},
    {"ca-compromise", SCRIPT_REASON_CA_COMPROMISE},
    {"affiliation-changed", SCRIPT_REASON_AFFILIATION_CHANGED},
    {"superseded", SCRIPT_REASON_SUPERSEDED},
    {"cessation-of-operation", SCRIPT_REASON_CESSATION_OF_OPERATION},
    {"certificate-hold", SCRIPT_REASON_CERTIFICATE_HOLD},
    {"privilege-withdrawn", SCRIPT_REASON_PRIVILEGE_WITHDRAWN},
};

#define COUNT(a)       (sizeof(a) / sizeof((a)[0]))
#define NAME(table, i) ((size_t)(i) < COUNT(table) ? (table)[i] : "?")

const char *script_role_name(enum script_role role)
{
	return NAME(role_names, role);
}
const char *script_key_kind_name(enum script_key_kind kind)
{
	return NAME(kind_names, kind);
}
const char *script_algorithm_name(enum script_algorithm alg)
{
	return NAME(alg_names, alg);
}
const char *script_origin_name(enum script_origin origin)
{
	return NAME(origin_names, origin);
}
const char *script_input_type_name(enum script_input_type type)
{
	return NAME(input_type_names, type);
}
const char *script_output_type_name(enum script_output_type type)
{
	return NAME(output_type_names, type);
}
const char *script_medium_kind_name(enum script_medium_kind kind)
{
	return NAME(medium_kind_names, kind);
}
const char *script_action_name(enum script_action action)
{
	return (size_t)action < COUNT(actions) ? actions[action].name : "?";
}
const char *script_crl_reason_name(enum script_crl_reason reason)
{
	for (size_t i = 0; i < COUNT(reasons); i++)
		if (reasons[i].reason == reason)
			return reasons[i].name;
	return "?";
}

/* ---- typed access to mappings --------------------------------------------------------------- */

#define REQ	  1u /* the key must be present */
#define MULTILINE 2u /* text may span lines */

/* The parse state: the plan being filled, its arena, and the tree. */
struct parse {
	struct script_ctx c;
	struct script_arena mem;
	struct script_arena tree;
	struct script_plan *plan;
};

static const struct ynode *get(const struct ynode *map, const char *key)
{
	for (const struct ynode *k = map->head; k != NULL && k->next != NULL; k = k->next->next)
		if (strcmp(k->text, key) == 0)
			return k->next;
	return NULL;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* node must be a mapping whose keys are all in allowed, each once. */
static int check_map(struct script_ctx *c, const struct ynode *node, const char *what,
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
	return 0;
}

static int is_null(const struct ynode *n)
{
	return n->plain &&
	       (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
		strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

/* *out: the value of key, or NULL when absent (an error if REQ). */
static int field(struct script_ctx *c, const struct ynode *map, const char *what, const char *key,
		 unsigned flags, const struct ynode **out)
{
	*out = get(map, key);
	if (*out == NULL && (flags & REQ))
		return script_fail(c, map->line, SCRIPT_E_SCHEMA, "missing key '%s' in %s", key,
				   what);
	return 0;
}

static int scalar(struct script_ctx *c, const struct ynode *v, const char *key)
{
	if (v->type != Y_SCALAR)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be a single value",
				   key);
	if (is_null(v))
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' has no value", key);
	return 0;
}

static int get_text(struct parse *p, const struct ynode *map, const char *what, const char *key,
		    unsigned flags, size_t max, const char **out)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	size_t len;

	*out = NULL;
	if (field(c, map, what, key, flags, &v) != 0 || v == NULL)
		return c->failed ? -1 : 0;
	if (scalar(c, v, key) != 0)
		return -1;
	if (v->len > max)
		return script_fail(c, v->line, SCRIPT_E_RANGE, "'%s' is longer than %zu bytes",
				   key, max);
	if (!(flags & MULTILINE) && memchr(v->text, '\n', v->len) != NULL)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be one line", key);
	len = v->len;
	/* A block scalar keeps its last line break; the text does not need it. */
	while ((flags & MULTILINE) && len > 0 && v->text[len - 1] == '\n')
		len--;
	if (len == 0 || v->text[0] == ' ' || v->text[len - 1] == ' ')
		return script_fail(c, v->line, SCRIPT_E_SCHEMA,
				   "'%s' is empty, or starts or ends with a space", key);
	*out = script_arena_strndup(&p->mem, v->text, len);
	if (*out == NULL)
		return script_fail(c, 0, SCRIPT_E_NOMEM, "out of memory");
	return 0;
}

static unsigned line_of(const struct ynode *map, const char *key)
{
	const struct ynode *v = get(map, key);

	return v != NULL ? v->line : map->line;
}

static int get_id(struct parse *p, const struct ynode *map, const char *what, const char *key,
		  unsigned flags, size_t max, const char **out)
{
	if (get_text(p, map, what, key, flags, 256, out) != 0)
		return -1;
	if (*out != NULL && !script_valid_id(*out, max))
		return script_fail(&p->c, line_of(map, key), SCRIPT_E_SCHEMA,
				   "'%s' is not a valid name: '%s' (1 to %zu of a-z, 0-9, '-')",
				   key, script_q(&p->c, *out), max);
	return 0;
}

/* A decimal number written plainly: no sign, no leading zero, no quotes. */
static int get_uint(struct parse *p, const struct ynode *map, const char *what, const char *key,
		    unsigned flags, unsigned min, unsigned max, unsigned *out, int *present)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	unsigned long val = 0;

	if (present != NULL)
		*present = 0;
	if (field(c, map, what, key, flags, &v) != 0 || v == NULL)
		return c->failed ? -1 : 0;
	if (scalar(c, v, key) != 0)
		return -1;
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
	return 0;
}

static int get_bool(struct parse *p, const struct ynode *map, const char *what, const char *key,
		    bool *out)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;

	*out = false;
	if (field(c, map, what, key, 0, &v) != 0 || v == NULL)
		return c->failed ? -1 : 0;
	if (scalar(c, v, key) != 0)
		return -1;
	if (v->plain && strcmp(v->text, "true") == 0)
		*out = true;
	else if (!v->plain || strcmp(v->text, "false") != 0)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be true or false",
				   key);
	return 0;
}

/* One of names[0..n); *out keeps its value when the key is absent and optional. */
static int get_enum(struct parse *p, const struct ynode *map, const char *what, const char *key,
		    unsigned flags, const char *const *names, size_t n, unsigned *out)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	char list[160];
	size_t used = 0;

	if (field(c, map, what, key, flags, &v) != 0 || v == NULL)
		return c->failed ? -1 : 0;
	if (scalar(c, v, key) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v->text, names[i]) == 0) {
			*out = (unsigned)i;
			return 0;
		}
	}
	list[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be one of: %s (not '%s')", key,
			   list, script_q(c, v->text));
}

static int get_seq(struct parse *p, const struct ynode *map, const char *what, const char *key,
		   unsigned flags, unsigned min, unsigned max, const struct ynode **out)
{
	struct script_ctx *c = &p->c;

	if (field(c, map, what, key, flags, out) != 0 || *out == NULL)
		return c->failed ? -1 : 0;
	if ((*out)->type != Y_SEQ)
		return script_fail(c, (*out)->line, SCRIPT_E_SCHEMA, "'%s' must be a list", key);
	if ((*out)->count < min || (*out)->count > max)
		return script_fail(c, (*out)->line, SCRIPT_E_RANGE,
				   "'%s' must have %u to %u entries, not %u", key, min, max,
				   (*out)->count);
	return 0;
}

/* Exactly n bytes as 2n hex digits. */
static int get_hex(struct parse *p, const struct ynode *map, const char *what, const char *key,
		   unsigned flags, unsigned char *out, size_t n, bool *present)
{
	struct script_ctx *c = &p->c;
	const struct ynode *v;
	const char *end = NULL;
	size_t got = 0;

	*present = false;
	if (field(c, map, what, key, flags, &v) != 0 || v == NULL)
		return c->failed ? -1 : 0;
	if (scalar(c, v, key) != 0)
		return -1;
	if (v->len != 2 * n || sodium_hex2bin(out, n, v->text, v->len, NULL, &got, &end) != 0 ||
	    got != n || end != v->text + v->len)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'%s' must be %zu hex digits",
				   key, 2 * n);
	*present = true;
	return 0;
}

/* A key that this kind of entry must not have. */
static int only_if(struct script_ctx *c, const struct ynode *map, const char *key, bool allowed,
		   const char *why)
{
	const struct ynode *v = get(map, key);

	if (v != NULL && !allowed)
		return script_fail(c, v->line, SCRIPT_E_RULE, "'%s' %s", key, why);
	return 0;
}

static int require_if(struct script_ctx *c, const struct ynode *map, const char *key, bool required,
		      const char *why)
{
	if (required && get(map, key) == NULL)
		return script_fail(c, map->line, SCRIPT_E_RULE, "missing '%s': %s", key, why);
	return 0;
}

/* ---- lookups -------------------------------------------------------------------------------- */

#define FIND(type, array, count)                                                                   \
	for (unsigned i_ = 0; i_ < plan->count; i_++)                                              \
		if (plan->array[i_].id != NULL && strcmp(plan->array[i_].id, id) == 0)             \
			return &plan->array[i_];                                                   \
	return NULL

static struct script_participant *participant_by_id(const struct script_plan *plan, const char *id)
{
	FIND(participant, participants, participant_count);
}
static struct script_custodian_set *set_by_id(const struct script_plan *plan, const char *id)
{
	FIND(set, sets, set_count);
}
static struct script_key *key_by_id(const struct script_plan *plan, const char *id)
{
	FIND(key, keys, key_count);
}
static struct script_input *input_by_id(const struct script_plan *plan, const char *id)
{
	FIND(input, inputs, input_count);
}
static struct script_output *output_by_id(const struct script_plan *plan, const char *id)
{
	FIND(output, outputs, output_count);
}
static struct script_medium *medium_by_id(const struct script_plan *plan, const char *id)
{
	FIND(medium, media, medium_count);
}
static struct script_step *step_by_id(const struct script_plan *plan, const char *id)
{
	FIND(step, steps, step_count);
}

const struct script_participant *script_find_participant(const struct script_plan *plan,
							 const char *id)
{
	return participant_by_id(plan, id);
}
const struct script_custodian_set *script_find_set(const struct script_plan *plan, const char *id)
{
	return set_by_id(plan, id);
}
const struct script_key *script_find_key(const struct script_plan *plan, const char *id)
{
	return key_by_id(plan, id);
}
const struct script_input *script_find_input(const struct script_plan *plan, const char *id)
{
	return input_by_id(plan, id);
}
const struct script_output *script_find_output(const struct script_plan *plan, const char *id)
{
	return output_by_id(plan, id);
}
const struct script_medium *script_find_medium(const struct script_plan *plan, const char *id)
{
	return medium_by_id(plan, id);
}
const struct script_step *script_find_step(const struct script_plan *plan, const char *id)
{
	return step_by_id(plan, id);
}

const struct script_medium *script_medium_of(const struct script_plan *plan,
					     const struct script_participant *p)
{
	for (unsigned i = 0; i < plan->medium_count; i++)
		if (plan->media[i].holder == p)
			return &plan->media[i];
	return NULL;
}

/* A reference by id to an entry of another section. Sets *out (NULL when absent). */
#define GET_REF(p, map, what, key, flags, finder, noun, out)                                       \
	do {                                                                                       \
		const char *ref_;                                                                  \
		(out) = NULL;                                                                      \
		if (get_id(p, map, what, key, flags, SCRIPT_CEREMONY_ID_MAX, &ref_) != 0)          \
			return -1;                                                                 \
		if (ref_ != NULL) {                                                                \
			(out) = finder((p)->plan, ref_);                                           \
			if ((out) == NULL)                                                         \
				return script_fail(&(p)->c, line_of(map, key),                     \
						   SCRIPT_E_REFERENCE, "no %s named '%s'", noun, \
						   script_q(&(p)->c, ref_));                       \
		}                                                                                  \
	} while (0)

static int duplicate(struct parse *p, unsigned line, const char *noun, const char *id,
		     unsigned first)
{
	return script_fail(&p->c, line, SCRIPT_E_REFERENCE,
			   "%s '%s' is defined twice (first on line %u)", noun, script_q(&p->c, id),
			   first);
}

static void *alloc_array(struct parse *p, size_t n, size_t size)
{
	void *a = script_arena_alloc(&p->mem, n * size + 1);

	if (a == NULL)
		script_fail(&p->c, 0, SCRIPT_E_NOMEM, "out of memory");
	return a;
}

/* ---- value syntaxes ---------------------------------------------------------------------------
 */

/* "25y" or "9131d". */
static int get_validity(struct parse *p, const struct ynode *map, const char *what, const char *key,
			unsigned flags, struct script_validity *out)
{
	const char *s;
	unsigned long n = 0;
	size_t len;

	if (get_text(p, map, what, key, flags, 16, &s) != 0 || s == NULL)
		return p->c.failed ? -1 : 0;
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
		return 0;
	}
	if (s[len - 1] == 'd' && n <= 36525) {
		out->days = (unsigned)n;
		return 0;
	}
bad:
	return script_fail(&p->c, line_of(map, key), SCRIPT_E_SCHEMA,
			   "'%s' must be years as '25y' (1-100) or days as '365d' (1-36525)", key);
}

static const char *const rdn_types[] = {"C",  "ST",	      "L",  "O", "OU",
					"CN", "serialNumber", "DC", NULL};

/* "OU=00, CN=ZA": attributes in order, separated by commas; no escapes, so the characters
 * , + = \ " < > ; never appear in a value. */
static int get_subject(struct parse *p, const struct ynode *map, const char *what,
		       struct script_name *name)
{
	struct script_ctx *c = &p->c;
	const char *s, *at;
	unsigned line = line_of(map, "subject");

	if (get_text(p, map, what, "subject", 0, 512, &s) != 0 || s == NULL)
		return c->failed ? -1 : 0;
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
			return script_fail(c, 0, SCRIPT_E_NOMEM, "out of memory");
		name->count++;
		if (*end == '\0')
			break;
		at = end + 1;
	}
	return 0;
}

static int get_constraints(struct parse *p, const struct ynode *nc, const char *key,
			   struct script_constraint *out, unsigned *count)
{
	static const char *const prefixes[] = {"dns:", "email:", "uri:", "ip:"};
	const struct ynode *seq;

	if (get_seq(p, nc, "name-constraints", key, 0, 1, SCRIPT_MAX_CONSTRAINTS, &seq) != 0)
		return -1;
	if (seq == NULL)
		return 0;
	for (const struct ynode *e = seq->head; e != NULL; e = e->next) {
		struct script_constraint *ct = &out[(*count)++];
		size_t i;
		int ok = 0;

		if (scalar(&p->c, e, key) != 0)
			return -1;
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
				return script_fail(&p->c, 0, SCRIPT_E_NOMEM, "out of memory");
		}
		if (!ok)
			return script_fail(&p->c, e->line, SCRIPT_E_SCHEMA,
					   "name constraint '%s' must be dns:HOST, email:ADDRESS, "
					   "uri:HOST or ip:ADDRESS/PREFIX",
					   script_q(&p->c, e->text));
	}
	return 0;
}

static int get_file(struct parse *p, const struct ynode *map, const char *what, unsigned flags,
		    const char **out)
{
	if (get_text(p, map, what, "file", flags, 256, out) != 0)
		return -1;
	if (*out != NULL && !script_valid_file(*out))
		return script_fail(
		    &p->c, line_of(map, "file"), SCRIPT_E_SCHEMA,
		    "'file' must be a plain file name (1 to %d of A-Z a-z 0-9 . _ -, "
		    "not starting with . or -)",
		    SCRIPT_FILE_MAX);
	return 0;
}

/* ---- sections ------------------------------------------------------------------------------- */

static int parse_participants(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id", "name", "role", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	if (get_seq(p, root, "the script", "participants", REQ, 1, SCRIPT_MAX_PARTICIPANTS, &seq) !=
	    0)
		return -1;
	plan->participants = alloc_array(p, seq->count, sizeof(*plan->participants));
	if (plan->participants == NULL)
		return -1;
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_participant *pa = &plan->participants[i], *prev;
		const char *what = "a participant";
		unsigned role = 0;

		if (check_map(&p->c, n, what, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &pa->id) != 0)
			return -1;
		for (size_t r = 0; r < SCRIPT_ROLE_COUNT; r++)
			if (strcmp(pa->id, role_names[r]) == 0)
				return script_fail(&p->c, line_of(n, "id"), SCRIPT_E_RULE,
						   "participant id '%s' is a role name", pa->id);
		if ((prev = participant_by_id(plan, pa->id)) != NULL)
			return duplicate(p, line_of(n, "id"), "participant", pa->id, prev->line);
		if (get_text(p, n, what, "name", REQ, SCRIPT_NAME_MAX, &pa->name) != 0 ||
		    get_enum(p, n, what, "role", REQ, role_names, SCRIPT_ROLE_COUNT, &role) != 0)
			return -1;
		pa->role = (enum script_role)role;
		pa->index = i;
		pa->line = n->line;
		plan->participant_count = i + 1;
	}
	return 0;
}

static int parse_members(struct parse *p, const struct ynode *map, const char *what,
			 struct script_custodian_set *set, struct script_group *g)
{
	const struct ynode *seq;

	if (get_seq(p, map, what, "members", REQ, 1, SCRIPT_MAX_MEMBERS, &seq) != 0)
		return -1;
	for (const struct ynode *e = seq->head; e != NULL; e = e->next) {
		const struct script_participant *pa;

		if (scalar(&p->c, e, "members") != 0)
			return -1;
		pa = participant_by_id(p->plan, e->text);
		if (pa == NULL)
			return script_fail(&p->c, e->line, SCRIPT_E_REFERENCE,
					   "no participant named '%s'", script_q(&p->c, e->text));
		if (pa->role != SCRIPT_ROLE_CUSTODIAN)
			return script_fail(&p->c, e->line, SCRIPT_E_RULE,
					   "'%s' is a %s, not a custodian", pa->id,
					   role_names[pa->role]);
		for (unsigned gi = 0; gi < SCRIPT_MAX_GROUPS; gi++) {
			const struct script_group *o = &set->groups[gi];

			for (unsigned m = 0; m < o->count; m++)
				if (o->members[m] == pa)
					return script_fail(&p->c, e->line, SCRIPT_E_RULE,
							   "'%s' holds two shares of custodian "
							   "set '%s'",
							   pa->id, set->id);
		}
		g->members[g->count++] = pa;
	}
	return 0;
}

/* member threshold against the members (SLIP-39: 1 <= T <= N <= 16, and T = 1 only if N = 1) */
static int parse_group(struct parse *p, const struct ynode *map, const char *what,
		       struct script_custodian_set *set, struct script_group *g)
{
	if (get_uint(p, map, what, "threshold", REQ, 1, SCRIPT_MAX_MEMBERS, &g->threshold, NULL) !=
		0 ||
	    parse_members(p, map, what, set, g) != 0)
		return -1;
	if (g->threshold > g->count)
		return script_fail(&p->c, line_of(map, "threshold"), SCRIPT_E_RANGE,
				   "threshold %u is more than the %u members", g->threshold,
				   g->count);
	if (g->threshold == 1 && g->count > 1)
		return script_fail(&p->c, line_of(map, "threshold"), SCRIPT_E_RULE,
				   "SLIP-39 does not allow a threshold of 1 with %u members "
				   "(use 1 of 1, or a higher threshold)",
				   g->count);
	set->share_count += g->count;
	return 0;
}

static int parse_sets(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id",     "threshold", "members", "group-threshold",
					   "groups", NULL};
	static const char *const group_keys[] = {"threshold", "members", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	if (get_seq(p, root, "the script", "custodian-sets", 0, 1, SCRIPT_MAX_SETS, &seq) != 0)
		return -1;
	if (seq == NULL)
		return 0;
	plan->sets = alloc_array(p, seq->count, sizeof(*plan->sets));
	if (plan->sets == NULL)
		return -1;
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_custodian_set *set = &plan->sets[i], *prev;
		const char *what = "a custodian set";
		const struct ynode *groups;

		if (check_map(&p->c, n, what, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &set->id) != 0)
			return -1;
		if ((prev = set_by_id(plan, set->id)) != NULL && prev != set)
			return duplicate(p, line_of(n, "id"), "custodian set", set->id, prev->line);
		set->line = n->line;
		plan->set_count = i + 1;
		if (get(n, "groups") == NULL) {
			if (only_if(&p->c, n, "group-threshold", false,
				    "needs 'groups' (or use 'threshold' and 'members')") != 0)
				return -1;
			set->group_threshold = 1;
			set->group_count = 1;
			if (parse_group(p, n, what, set, &set->groups[0]) != 0)
				return -1;
			continue;
		}
		if (only_if(&p->c, n, "threshold", false,
			    "belongs in each group when a set has 'groups'") != 0 ||
		    only_if(&p->c, n, "members", false,
			    "belongs in each group when a set has 'groups'") != 0 ||
		    get_uint(p, n, what, "group-threshold", REQ, 1, SCRIPT_MAX_GROUPS,
			     &set->group_threshold, NULL) != 0 ||
		    get_seq(p, n, what, "groups", REQ, 1, SCRIPT_MAX_GROUPS, &groups) != 0)
			return -1;
		for (const struct ynode *g = groups->head; g != NULL; g = g->next) {
			if (check_map(&p->c, g, "a group", group_keys) != 0 ||
			    parse_group(p, g, "a group", set, &set->groups[set->group_count]) != 0)
				return -1;
			set->group_count++;
		}
		if (set->group_threshold > set->group_count)
			return script_fail(&p->c, line_of(n, "group-threshold"), SCRIPT_E_RANGE,
					   "group-threshold %u is more than the %u groups",
					   set->group_threshold, set->group_count);
	}
	return 0;
}

static int parse_media(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id", "kind", "holder", "label", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	if (get_seq(p, root, "the script", "media", REQ, 1, SCRIPT_MAX_MEDIA, &seq) != 0)
		return -1;
	plan->media = alloc_array(p, seq->count, sizeof(*plan->media));
	if (plan->media == NULL)
		return -1;
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_medium *m = &plan->media[i], *prev;
		const char *what = "a medium";
		unsigned kind = 0;
		bool custodian;

		if (check_map(&p->c, n, what, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &m->id) != 0)
			return -1;
		if ((prev = medium_by_id(plan, m->id)) != NULL && prev != m)
			return duplicate(p, line_of(n, "id"), "medium", m->id, prev->line);
		m->line = n->line;
		plan->medium_count = i + 1;
		if (get_enum(p, n, what, "kind", REQ, medium_kind_names, COUNT(medium_kind_names),
			     &kind) != 0)
			return -1;
		m->kind = (enum script_medium_kind)kind;
		custodian = m->kind == SCRIPT_MEDIUM_CUSTODIAN;
		if (only_if(&p->c, n, "holder", custodian, "is only for custodian media") != 0 ||
		    require_if(&p->c, n, "holder", custodian,
			       "a custodian medium names its holder") != 0 ||
		    get_text(p, n, what, "label", 0, SCRIPT_NAME_MAX, &m->label) != 0)
			return -1;
		GET_REF(p, n, what, "holder", 0, participant_by_id, "participant", m->holder);
		if (m->holder == NULL)
			continue;
		if (m->holder->role != SCRIPT_ROLE_CUSTODIAN)
			return script_fail(&p->c, line_of(n, "holder"), SCRIPT_E_RULE,
					   "'%s' is a %s, not a custodian", m->holder->id,
					   role_names[m->holder->role]);
		for (unsigned j = 0; j < i; j++)
			if (plan->media[j].holder == m->holder)
				return script_fail(&p->c, line_of(n, "holder"), SCRIPT_E_RULE,
						   "'%s' already holds medium '%s'", m->holder->id,
						   plan->media[j].id);
	}
	return 0;
}

static int parse_inputs(struct parse *p, const struct ynode *root)
{
	static const char *const file_keys[] = {"id",	"type",	  "source", "medium",
						"file", "sha256", NULL};
	static const char *const share_keys[] = {"id", "type", "ceremony", NULL};
	static const char *const digest_keys[] = {"id",	    "type",   "ceremony", "digest",
						  "source", "medium", "file",	  NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	if (get_seq(p, root, "the script", "inputs", 0, 1, SCRIPT_MAX_INPUTS, &seq) != 0)
		return -1;
	if (seq == NULL)
		return 0;
	plan->inputs = alloc_array(p, seq->count, sizeof(*plan->inputs));
	if (plan->inputs == NULL)
		return -1;
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_input *in = &plan->inputs[i], *prev;
		const char *what = "an input";
		const char *const *keys;
		unsigned type = 0, source = SCRIPT_SOURCE_ANY;
		char kind[48];

		if (n->type != Y_MAP)
			return script_fail(&p->c, n->line, SCRIPT_E_SCHEMA,
					   "an input must be a mapping");
		if (get_enum(p, n, what, "type", REQ, input_type_names, COUNT(input_type_names),
			     &type) != 0)
			return -1;
		in->type = (enum script_input_type)type;
		keys = in->type == SCRIPT_INPUT_SHARES		    ? share_keys
		       : in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST ? digest_keys
								    : file_keys;
		snprintf(kind, sizeof(kind), "an input of type %s", input_type_names[type]);
		if (check_map(&p->c, n, kind, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &in->id) != 0)
			return -1;
		if ((prev = input_by_id(plan, in->id)) != NULL && prev != in)
			return duplicate(p, line_of(n, "id"), "input", in->id, prev->line);
		in->line = n->line;
		plan->input_count = i + 1;
		if (get_enum(p, n, what, "source", 0, source_names, COUNT(source_names), &source) !=
			0 ||
		    get_file(p, n, what, 0, &in->file) != 0 ||
		    get_hex(p, n, what, "sha256", 0, in->sha256, sizeof(in->sha256),
			    &in->has_sha256) != 0 ||
		    get_hex(p, n, what, "digest", 0, in->digest, sizeof(in->digest),
			    &in->has_digest) != 0 ||
		    get_id(p, n, what, "ceremony",
			   in->type == SCRIPT_INPUT_SHARES ||
				   in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST
			       ? REQ
			       : 0,
			   SCRIPT_CEREMONY_ID_MAX, &in->ceremony) != 0)
			return -1;
		in->source = (enum script_source)source;
		GET_REF(p, n, what, "medium", 0, medium_by_id, "medium", in->medium);
		if (in->medium != NULL && in->medium->kind == SCRIPT_MEDIUM_CUSTODIAN)
			return script_fail(&p->c, line_of(n, "medium"), SCRIPT_E_RULE,
					   "inputs do not come from custodian media");
		if (only_if(&p->c, n, "medium", in->source != SCRIPT_SOURCE_QR,
			    "does not go with 'source: qr'") != 0 ||
		    require_if(&p->c, n, "medium", in->source == SCRIPT_SOURCE_MEDIUM,
			       "'source: medium' names the medium") != 0 ||
		    require_if(&p->c, n, "file", in->medium != NULL,
			       "a medium input names its file") != 0 ||
		    require_if(&p->c, n, "medium", in->file != NULL,
			       "a file is on a named medium") != 0)
			return -1;
	}
	return 0;
}

/* Origins each kind may have, by profile rules (docs/script.md, "Keys"). */
static unsigned kind_origins(enum script_key_kind kind)
{
	const unsigned gen = 1u << SCRIPT_ORIGIN_GENERATE, sh = 1u << SCRIPT_ORIGIN_SHARES;
	const unsigned csr = 1u << SCRIPT_ORIGIN_CSR, cert = 1u << SCRIPT_ORIGIN_CERTIFICATE;

	switch (kind) {
	case SCRIPT_KEY_ROOT:
	case SCRIPT_KEY_RECOVERY:
		return gen | sh | cert;
	case SCRIPT_KEY_CONTINGENCY:
	case SCRIPT_KEY_CONTINGENCY_SYMMETRIC:
		return gen | sh;
	case SCRIPT_KEY_ISSUING:
		return csr | cert;
	case SCRIPT_KEY_GENERIC:
		return gen | sh | csr | cert;
	}
	return 0;
}

static const char *smki_ou(enum script_key_kind kind)
{
	switch (kind) {
	case SCRIPT_KEY_ROOT:
		return "00";
	case SCRIPT_KEY_RECOVERY:
		return "01";
	case SCRIPT_KEY_ISSUING:
		return "07";
	default:
		return NULL;
	}
}

/* The fields of one key that depend only on its own kind, origin and profile. */
static int key_fields(struct parse *p, const struct ynode *n, struct script_key *k)
{
	struct script_ctx *c = &p->c;
	const char *what = "a key";
	const bool smki = p->plan->profile == SCRIPT_PROFILE_SMKI;
	const bool sym = k->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC;
	const bool made = k->origin == SCRIPT_ORIGIN_GENERATE || k->origin == SCRIPT_ORIGIN_CSR;
	const bool named = made && !sym && k->kind != SCRIPT_KEY_CONTINGENCY;
	const bool certified =
	    made && (k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_ISSUING ||
		     k->kind == SCRIPT_KEY_GENERIC);
	const bool secret =
	    k->origin == SCRIPT_ORIGIN_GENERATE || k->origin == SCRIPT_ORIGIN_SHARES;
	const char *ou = smki ? smki_ou(k->kind) : NULL;
	unsigned alg = 0, pathlen = 0;
	int has_pathlen = 0;
	const struct ynode *v;
	bool aes;

	if (get_enum(p, n, what, "algorithm", REQ, alg_names, COUNT(alg_names), &alg) != 0)
		return -1;
	k->algorithm = (enum script_algorithm)alg;
	aes = k->algorithm == SCRIPT_ALG_AES_128 || k->algorithm == SCRIPT_ALG_AES_256;
	if (sym != aes)
		return script_fail(c, line_of(n, "algorithm"), SCRIPT_E_RULE,
				   "a %s key cannot be %s", kind_names[k->kind], alg_names[alg]);
	if (smki && !sym && k->algorithm != SCRIPT_ALG_EC_P256)
		return script_fail(c, line_of(n, "algorithm"), SCRIPT_E_RULE,
				   "the smki profile uses ec-p256 keys only");
	if (require_if(c, n, "input", k->origin != SCRIPT_ORIGIN_GENERATE,
		       "a key that is not generated comes from an input") != 0 ||
	    only_if(c, n, "input", k->origin != SCRIPT_ORIGIN_GENERATE,
		    "is not used by a generated key") != 0 ||
	    require_if(c, n, "custodians", secret, "its shares need a custodian set") != 0 ||
	    only_if(c, n, "custodians", secret, "is only for generated keys or keys from shares") !=
		0 ||
	    only_if(c, n, "certificate", k->origin == SCRIPT_ORIGIN_SHARES,
		    "is only for keys rebuilt from shares") != 0 ||
	    require_if(c, n, "subject", named, "the key's certificate or CSR needs a subject") !=
		0 ||
	    only_if(c, n, "subject", named,
		    "is only for root, recovery, issuing and generic keys that are generated "
		    "or come from a CSR") != 0 ||
	    require_if(c, n, "validity", certified && k->kind != SCRIPT_KEY_GENERIC,
		       "its certificate needs a validity") != 0 ||
	    only_if(c, n, "validity", certified,
		    "is only for root, issuing and generic keys certified here") != 0 ||
	    require_if(c, n, "policies", certified && smki,
		       "smki certificates carry at least one policy") != 0 ||
	    only_if(c, n, "policies", certified,
		    "is only for root, issuing and generic keys certified here") != 0 ||
	    require_if(c, n, "entity-id",
		       smki && k->kind == SCRIPT_KEY_RECOVERY &&
			   k->origin == SCRIPT_ORIGIN_GENERATE,
		       "the Recovery CSR carries the entity identifier") != 0 ||
	    only_if(c, n, "entity-id",
		    k->kind == SCRIPT_KEY_RECOVERY &&
			(k->origin == SCRIPT_ORIGIN_GENERATE || k->origin == SCRIPT_ORIGIN_SHARES),
		    "is only for recovery keys generated or rebuilt from shares") != 0 ||
	    require_if(c, n, "wrapped-by", smki && k->kind == SCRIPT_KEY_CONTINGENCY,
		       "the contingency public key is only ever published wrapped") != 0 ||
	    only_if(c, n, "wrapped-by", k->kind == SCRIPT_KEY_CONTINGENCY,
		    "is only for contingency keys") != 0 ||
	    require_if(c, n, "apex-contingency-key",
		       smki && k->kind == SCRIPT_KEY_ROOT && k->origin == SCRIPT_ORIGIN_GENERATE,
		       "an smki Root certificate carries the wrapped contingency key") != 0 ||
	    only_if(c, n, "apex-contingency-key",
		    k->kind == SCRIPT_KEY_ROOT && k->origin == SCRIPT_ORIGIN_GENERATE,
		    "is only for generated root keys") != 0 ||
	    require_if(c, n, "issuer", k->kind == SCRIPT_KEY_ISSUING,
		       "an issuing CA certificate is signed by a root key") != 0 ||
	    only_if(c, n, "issuer",
		    k->kind == SCRIPT_KEY_ISSUING || k->kind == SCRIPT_KEY_GENERIC ||
			(k->kind == SCRIPT_KEY_ROOT && k->origin == SCRIPT_ORIGIN_GENERATE),
		    "is only for issuing, generic and replacement root keys") != 0 ||
	    only_if(c, n, "path-length", k->kind == SCRIPT_KEY_GENERIC && certified,
		    "is only for generic keys certified here") != 0 ||
	    only_if(c, n, "name-constraints", k->kind == SCRIPT_KEY_GENERIC && certified,
		    "is only for generic keys certified here") != 0)
		return -1;

	GET_REF(p, n, what, "input", 0, input_by_id, "input", k->input);
	GET_REF(p, n, what, "custodians", 0, set_by_id, "custodian set", k->custodians);
	GET_REF(p, n, what, "certificate", 0, input_by_id, "input", k->certificate);
	if (k->input != NULL) {
		static const enum script_input_type want[] = {
		    [SCRIPT_ORIGIN_SHARES] = SCRIPT_INPUT_SHARES,
		    [SCRIPT_ORIGIN_CSR] = SCRIPT_INPUT_CSR,
		    [SCRIPT_ORIGIN_CERTIFICATE] = SCRIPT_INPUT_CERTIFICATE,
		};
		struct script_input *in = &p->plan->inputs[k->input - p->plan->inputs];

		if (in->type != want[k->origin])
			return script_fail(c, line_of(n, "input"), SCRIPT_E_RULE,
					   "a key with origin %s needs an input of type %s, and "
					   "'%s' is %s",
					   origin_names[k->origin],
					   input_type_names[want[k->origin]], in->id,
					   input_type_names[in->type]);
		if (in->key != NULL)
			return script_fail(c, line_of(n, "input"), SCRIPT_E_RULE,
					   "input '%s' already belongs to key '%s'", in->id,
					   in->key->id);
		in->key = k;
	}
	if (k->certificate != NULL && k->certificate->type != SCRIPT_INPUT_CERTIFICATE)
		return script_fail(c, line_of(n, "certificate"), SCRIPT_E_RULE,
				   "input '%s' is not a certificate", k->certificate->id);

	if (get_subject(p, n, what, &k->subject) != 0)
		return -1;
	if (ou != NULL && k->subject.count > 0) {
		unsigned ous = 0;
		bool ok = false;

		for (unsigned r = 0; r < k->subject.count; r++) {
			if (strcmp(k->subject.rdn[r].type, "OU") == 0) {
				ous++;
				ok = strcmp(k->subject.rdn[r].value, ou) == 0;
			}
		}
		if (ous != 1 || !ok)
			return script_fail(c, line_of(n, "subject"), SCRIPT_E_RULE,
					   "an smki %s subject has exactly one OU, OU=%s",
					   kind_names[k->kind], ou);
	}
	if (get_validity(p, n, what, "validity", 0, &k->validity) != 0 ||
	    get_hex(p, n, what, "entity-id", 0, k->entity_id, sizeof(k->entity_id),
		    &k->has_entity_id) != 0 ||
	    get_uint(p, n, what, "path-length", 0, 0, 16, &pathlen, &has_pathlen) != 0)
		return -1;
	k->path_length = has_pathlen ? (int)pathlen : -1;
	if (field(c, n, what, "policies", 0, &v) != 0)
		return -1;
	if (v != NULL) {
		const struct ynode *seq;

		if (get_seq(p, n, what, "policies", 0, 1, SCRIPT_MAX_POLICIES, &seq) != 0)
			return -1;
		for (const struct ynode *e = seq->head; e != NULL; e = e->next) {
			if (scalar(c, e, "policies") != 0)
				return -1;
			if (!script_valid_oid(e->text))
				return script_fail(c, e->line, SCRIPT_E_SCHEMA,
						   "policy '%s' is not a dotted OID",
						   script_q(c, e->text));
			for (unsigned j = 0; j < k->policy_count; j++)
				if (strcmp(k->policies[j], e->text) == 0)
					return script_fail(c, e->line, SCRIPT_E_RULE,
							   "policy %s is listed twice",
							   script_q(c, e->text));
			k->policies[k->policy_count] =
			    script_arena_strndup(&p->mem, e->text, e->len);
			if (k->policies[k->policy_count++] == NULL)
				return script_fail(c, 0, SCRIPT_E_NOMEM, "out of memory");
		}
	}
	if (field(c, n, what, "name-constraints", 0, &v) != 0)
		return -1;
	if (v != NULL) {
		static const char *const nc_keys[] = {"permitted", "excluded", NULL};

		if (check_map(c, v, "name-constraints", nc_keys) != 0 ||
		    get_constraints(p, v, "permitted", k->permitted, &k->permitted_count) != 0 ||
		    get_constraints(p, v, "excluded", k->excluded, &k->excluded_count) != 0)
			return -1;
		if (k->permitted_count + k->excluded_count == 0)
			return script_fail(c, v->line, SCRIPT_E_SCHEMA,
					   "'name-constraints' is empty");
	}
	return 0;
}

/* References between keys: wrapped-by, apex-contingency-key, issuer. */
static int key_links(struct parse *p, const struct ynode *n, struct script_key *k)
{
	struct script_ctx *c = &p->c;
	const char *what = "a key";

	GET_REF(p, n, what, "wrapped-by", 0, key_by_id, "key", k->wrapped_by);
	GET_REF(p, n, what, "apex-contingency-key", 0, key_by_id, "key", k->apex);
	GET_REF(p, n, what, "issuer", 0, key_by_id, "key", k->issuer);
	if (k->wrapped_by != NULL) {
		if (k->wrapped_by->kind != SCRIPT_KEY_CONTINGENCY_SYMMETRIC)
			return script_fail(c, line_of(n, "wrapped-by"), SCRIPT_E_RULE,
					   "'%s' is a %s key, not contingency-symmetric",
					   k->wrapped_by->id, kind_names[k->wrapped_by->kind]);
		if (k->wrapped_by->origin != k->origin)
			return script_fail(c, line_of(n, "wrapped-by"), SCRIPT_E_RULE,
					   "a %s contingency key is wrapped by a symmetric key of "
					   "the same origin ('%s' is %s)",
					   origin_names[k->origin], k->wrapped_by->id,
					   origin_names[k->wrapped_by->origin]);
	}
	if (k->apex != NULL) {
		if (k->apex->kind != SCRIPT_KEY_CONTINGENCY)
			return script_fail(c, line_of(n, "apex-contingency-key"), SCRIPT_E_RULE,
					   "'%s' is a %s key, not a contingency key", k->apex->id,
					   kind_names[k->apex->kind]);
		/* Whether it is wrapped is checked once every key is linked (script_rules.c). */
		if (k->apex->origin != SCRIPT_ORIGIN_GENERATE)
			return script_fail(c, line_of(n, "apex-contingency-key"), SCRIPT_E_RULE,
					   "a new Root certificate carries a freshly generated, "
					   "wrapped contingency key");
	}
	if (k->issuer != NULL) {
		enum script_key_kind want = k->kind == SCRIPT_KEY_ISSUING ? SCRIPT_KEY_ROOT
					    : k->kind == SCRIPT_KEY_ROOT  ? SCRIPT_KEY_CONTINGENCY
									  : SCRIPT_KEY_GENERIC;

		if (k->issuer == k)
			return script_fail(c, line_of(n, "issuer"), SCRIPT_E_RULE,
					   "a key is not its own issuer (leave 'issuer' out for a "
					   "self-signed certificate)");
		if (k->issuer->kind != want)
			return script_fail(c, line_of(n, "issuer"), SCRIPT_E_RULE,
					   "a %s key is issued by a %s key, and '%s' is %s",
					   kind_names[k->kind], kind_names[want], k->issuer->id,
					   kind_names[k->issuer->kind]);
		if (k->issuer->origin == SCRIPT_ORIGIN_CSR ||
		    k->issuer->origin == SCRIPT_ORIGIN_CERTIFICATE)
			return script_fail(c, line_of(n, "issuer"), SCRIPT_E_RULE,
					   "issuer '%s' has no private key in this ceremony",
					   k->issuer->id);
	}
	return 0;
}

static int parse_keys(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {
	    "id",
	    "kind",
	    "algorithm",
	    "origin",
	    "input",
	    "custodians",
	    "certificate",
	    "subject",
	    "validity",
	    "policies",
	    "entity-id",
	    "wrapped-by",
	    "apex-contingency-key",
	    "issuer",
	    "path-length",
	    "name-constraints",
	    NULL,
	};
	struct script_plan *plan = p->plan;
	const struct ynode *seq, *n;
	unsigned i = 0;

	if (get_seq(p, root, "the script", "keys", REQ, 1, SCRIPT_MAX_KEYS, &seq) != 0)
		return -1;
	plan->keys = alloc_array(p, seq->count, sizeof(*plan->keys));
	if (plan->keys == NULL)
		return -1;
	/* First every id, kind and origin, so that keys may name keys written after them. */
	for (n = seq->head; n != NULL; n = n->next, i++) {
		struct script_key *k = &plan->keys[i], *prev;
		const char *what = "a key";
		unsigned kind = 0, origin = SCRIPT_ORIGIN_GENERATE;

		if (check_map(&p->c, n, what, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &k->id) != 0)
			return -1;
		if ((prev = key_by_id(plan, k->id)) != NULL && prev != k)
			return duplicate(p, line_of(n, "id"), "key", k->id, prev->line);
		k->line = n->line;
		k->index = i;
		plan->key_count = i + 1;
		if (get_enum(p, n, what, "kind", REQ, kind_names, COUNT(kind_names), &kind) != 0 ||
		    get_enum(p, n, what, "origin", 0, origin_names, COUNT(origin_names), &origin) !=
			0)
			return -1;
		k->kind = (enum script_key_kind)kind;
		k->origin = (enum script_origin)origin;
		if ((plan->profile == SCRIPT_PROFILE_GENERIC) != (k->kind == SCRIPT_KEY_GENERIC))
			return script_fail(&p->c, line_of(n, "kind"), SCRIPT_E_RULE,
					   "the %s profile has no %s keys",
					   profile_names[plan->profile], kind_names[kind]);
		if (!(kind_origins(k->kind) & (1u << origin)))
			return script_fail(&p->c, line_of(n, get(n, "origin") ? "origin" : "kind"),
					   SCRIPT_E_RULE, "a %s key cannot have origin %s",
					   kind_names[kind], origin_names[origin]);
	}
	i = 0;
	for (n = seq->head; n != NULL; n = n->next, i++)
		if (key_fields(p, n, &plan->keys[i]) != 0)
			return -1;
	i = 0;
	for (n = seq->head; n != NULL; n = n->next, i++)
		if (key_links(p, n, &plan->keys[i]) != 0)
			return -1;
	return 0;
}

static int parse_revoked(struct parse *p, const struct ynode *n, struct script_output *o)
{
	static const char *const keys[] = {"serial", "reason", NULL};
	const struct ynode *seq;
	unsigned i = 0;

	if (get_seq(p, n, "an output", "revoked", 0, 0, SCRIPT_MAX_REVOKED, &seq) != 0)
		return -1;
	if (seq == NULL)
		return 0;
	o->revoked = alloc_array(p, seq->count, sizeof(*o->revoked));
	if (o->revoked == NULL)
		return -1;
	for (const struct ynode *e = seq->head; e != NULL; e = e->next, i++) {
		struct script_revoked *r = &o->revoked[i];
		const char *serial, *reason;
		unsigned char raw[SCRIPT_SERIAL_MAX + 1];
		size_t len, got = 0, skip = 0;
		bool known = false;

		if (check_map(&p->c, e, "a revoked certificate", keys) != 0 ||
		    get_text(p, e, "a revoked certificate", "serial", REQ, 64, &serial) != 0 ||
		    get_text(p, e, "a revoked certificate", "reason", REQ, 32, &reason) != 0)
			return -1;
		len = strlen(serial);
		if (len % 2 != 0 || len > 2 * sizeof(raw) ||
		    sodium_hex2bin(raw, sizeof(raw), serial, len, NULL, &got, NULL) != 0 ||
		    got != len / 2)
			return script_fail(&p->c, line_of(e, "serial"), SCRIPT_E_SCHEMA,
					   "'serial' must be an even number of hex digits");
		while (skip < got && raw[skip] == 0)
			skip++;
		if (skip == got || got - skip > SCRIPT_SERIAL_MAX)
			return script_fail(&p->c, line_of(e, "serial"), SCRIPT_E_RANGE,
					   "'serial' must be positive and at most %d octets",
					   SCRIPT_SERIAL_MAX);
		r->serial_len = got - skip;
		memcpy(r->serial, raw + skip, r->serial_len);
		for (unsigned j = 0; j < i; j++)
			if (o->revoked[j].serial_len == r->serial_len &&
			    memcmp(o->revoked[j].serial, r->serial, r->serial_len) == 0)
				return script_fail(&p->c, line_of(e, "serial"), SCRIPT_E_RULE,
						   "serial %s is listed twice",
						   script_q(&p->c, serial));
		for (size_t k = 0; k < COUNT(reasons); k++) {
			if (strcmp(reasons[k].name, reason) == 0) {
				r->reason = reasons[k].reason;
				known = true;
			}
		}
		if (!known)
			return script_fail(&p->c, line_of(e, "reason"), SCRIPT_E_SCHEMA,
					   "unknown revocation reason '%s' (see docs/script.md)",
					   script_q(&p->c, reason));
		o->revoked_count = i + 1;
	}
	return 0;
}

static int parse_outputs(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id", "type",	"key",	   "medium", "file",
					   "qr", "next-update", "revoked", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	if (get_seq(p, root, "the script", "outputs", 0, 1, SCRIPT_MAX_OUTPUTS, &seq) != 0)
		return -1;
	if (seq == NULL)
		return 0;
	plan->outputs = alloc_array(p, seq->count, sizeof(*plan->outputs));
	if (plan->outputs == NULL)
		return -1;
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_output *o = &plan->outputs[i], *prev;
		const char *what = "an output";
		unsigned type = 0;
		bool crl, transcript;

		if (check_map(&p->c, n, what, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &o->id) != 0)
			return -1;
		if ((prev = output_by_id(plan, o->id)) != NULL && prev != o)
			return duplicate(p, line_of(n, "id"), "output", o->id, prev->line);
		o->line = n->line;
		plan->output_count = i + 1;
		if (get_enum(p, n, what, "type", REQ, output_type_names, COUNT(output_type_names),
			     &type) != 0)
			return -1;
		o->type = (enum script_output_type)type;
		crl = o->type == SCRIPT_OUTPUT_CRL;
		transcript = o->type == SCRIPT_OUTPUT_TRANSCRIPT;
		if (require_if(&p->c, n, "key", !transcript, "an output belongs to a key") != 0 ||
		    only_if(&p->c, n, "key", !transcript, "does not go with a transcript") != 0 ||
		    only_if(&p->c, n, "qr", !transcript, "is not offered for a transcript") != 0 ||
		    require_if(&p->c, n, "next-update", crl, "a CRL has a next update") != 0 ||
		    only_if(&p->c, n, "next-update", crl, "is only for CRLs") != 0 ||
		    only_if(&p->c, n, "revoked", crl, "is only for CRLs") != 0 ||
		    get_file(p, n, what, REQ, &o->file) != 0 ||
		    get_bool(p, n, what, "qr", &o->qr) != 0 ||
		    get_validity(p, n, what, "next-update", 0, &o->next_update) != 0 ||
		    parse_revoked(p, n, o) != 0)
			return -1;
		if (strcmp(o->file, "SHA256SUMS") == 0)
			return script_fail(&p->c, line_of(n, "file"), SCRIPT_E_RULE,
					   "SHA256SUMS is the medium's manifest, not an output");
		GET_REF(p, n, what, "key", 0, key_by_id, "key", o->key);
		GET_REF(p, n, what, "medium", REQ, medium_by_id, "medium", o->medium);
		if (o->medium->kind != SCRIPT_MEDIUM_PUBLIC &&
		    o->medium->kind != SCRIPT_MEDIUM_BACKUP)
			return script_fail(&p->c, line_of(n, "medium"), SCRIPT_E_RULE,
					   "outputs go to public or backup media; '%s' is %s",
					   o->medium->id, medium_kind_names[o->medium->kind]);
		for (unsigned j = 0; j < i; j++)
			if (plan->outputs[j].medium == o->medium &&
			    strcmp(plan->outputs[j].file, o->file) == 0)
				return script_fail(&p->c, line_of(n, "file"), SCRIPT_E_RULE,
						   "output '%s' already writes %s/%s",
						   plan->outputs[j].id, o->medium->id, o->file);
	}
	return 0;
}

static int parse_steps(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id",    "title",  "actor",	    "action", "key",
					   "input", "output", "custodians", "text",   NULL};
	static const struct {
		unsigned flag;
		const char *key;
	} fields[] = {
	    {F_KEY, "key"},	   {F_INPUT, "input"}, {F_OUTPUT, "output"},
	    {F_SET, "custodians"}, {F_TEXT, "text"},
	};
	const char *action_names[SCRIPT_ACTION_COUNT];
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	for (size_t a = 0; a < SCRIPT_ACTION_COUNT; a++)
		action_names[a] = actions[a].name;
	if (get_seq(p, root, "the script", "steps", REQ, 1, SCRIPT_MAX_STEPS, &seq) != 0)
		return -1;
	plan->steps = alloc_array(p, seq->count, sizeof(*plan->steps));
	if (plan->steps == NULL)
		return -1;
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_step *s = &plan->steps[i], *prev;
		const char *what = "a step", *actor;
		unsigned action = 0;

		if (check_map(&p->c, n, what, keys) != 0 ||
		    get_id(p, n, what, "id", REQ, SCRIPT_ID_MAX, &s->id) != 0)
			return -1;
		if ((prev = step_by_id(plan, s->id)) != NULL && prev != s)
			return duplicate(p, line_of(n, "id"), "step", s->id, prev->line);
		s->line = n->line;
		s->number = i + 1;
		plan->step_count = i + 1;
		if (get_text(p, n, what, "title", REQ, SCRIPT_NAME_MAX, &s->title) != 0 ||
		    get_enum(p, n, what, "action", REQ, action_names, SCRIPT_ACTION_COUNT,
			     &action) != 0 ||
		    get_id(p, n, what, "actor", REQ, SCRIPT_ID_MAX, &actor) != 0)
			return -1;
		s->action = (enum script_action)action;
		for (size_t f = 0; f < COUNT(fields); f++) {
			char why[64];

			snprintf(why, sizeof(why), "a %s step needs it", actions[action].name);
			if (require_if(&p->c, n, fields[f].key,
				       (actions[action].required & fields[f].flag) != 0, why) != 0)
				return -1;
			snprintf(why, sizeof(why), "is not used by a %s step",
				 actions[action].name);
			if (only_if(&p->c, n, fields[f].key,
				    ((actions[action].required | actions[action].optional) &
				     fields[f].flag) != 0,
				    why) != 0)
				return -1;
		}
		s->actor.is_role = false;
		for (size_t r = 0; r < SCRIPT_ROLE_COUNT; r++) {
			if (strcmp(actor, role_names[r]) == 0) {
				s->actor.is_role = true;
				s->actor.role = (enum script_role)r;
			}
		}
		if (!s->actor.is_role) {
			s->actor.participant = participant_by_id(plan, actor);
			if (s->actor.participant == NULL)
				return script_fail(&p->c, line_of(n, "actor"), SCRIPT_E_REFERENCE,
						   "actor '%s' is neither a role nor a participant",
						   actor);
		}
		if (get_text(p, n, what, "text", MULTILINE, SCRIPT_TEXT_MAX, &s->text) != 0)
			return -1;
		GET_REF(p, n, what, "key", 0, key_by_id, "key", s->key);
		GET_REF(p, n, what, "input", 0, input_by_id, "input", s->input);
		GET_REF(p, n, what, "output", 0, output_by_id, "output", s->output);
		GET_REF(p, n, what, "custodians", 0, set_by_id, "custodian set", s->custodians);
	}
	return 0;
}

static int parse_root(struct parse *p, const struct ynode *root)
{
	static const char *const keys[] = {
	    "version", "id",	 "title",   "profile", "participants", "custodian-sets",
	    "keys",    "inputs", "outputs", "media",   "steps",	       NULL};
	struct script_plan *plan = p->plan;
	unsigned profile = 0;

	if (root->type != Y_MAP)
		return script_fail(&p->c, root->line, SCRIPT_E_SCHEMA,
				   "a script is a mapping (version, id, title, ...)");
	/* The version first: a later version's keys would read as unknown keys. */
	if (get_uint(p, root, "the script", "version", REQ, 0, 999999, &plan->version, NULL) != 0)
		return -1;
	if (plan->version != SCRIPT_VERSION)
		return script_fail(&p->c, line_of(root, "version"), SCRIPT_E_RANGE,
				   "script version %u is not supported (this program reads "
				   "version %d)",
				   plan->version, SCRIPT_VERSION);
	if (check_map(&p->c, root, "the script", keys) != 0 ||
	    get_id(p, root, "the script", "id", REQ, SCRIPT_CEREMONY_ID_MAX, &plan->id) != 0 ||
	    get_text(p, root, "the script", "title", REQ, SCRIPT_NAME_MAX, &plan->title) != 0 ||
	    get_enum(p, root, "the script", "profile", REQ, profile_names, COUNT(profile_names),
		     &profile) != 0)
		return -1;
	plan->profile = (enum script_profile)profile;
	/* Sections in dependency order, whatever their order in the file. */
	if (parse_participants(p, root) != 0 || parse_sets(p, root) != 0 ||
	    parse_media(p, root) != 0 || parse_inputs(p, root) != 0 || parse_keys(p, root) != 0 ||
	    parse_outputs(p, root) != 0 || parse_steps(p, root) != 0)
		return -1;
	return script_check_rules(&p->c);
}

/* The line holding byte offset off (1-based). */
static unsigned line_at(const unsigned char *buf, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n' && line < UINT_MAX)
			line++;
	return line;
}

int script_parse(const unsigned char *buf, size_t len, struct script_plan **out,
		 struct script_error *err)
{
	struct parse p;
	struct ynode *root;
	size_t bad = 0;

	memset(&p, 0, sizeof(p));
	memset(err, 0, sizeof(*err));
	p.c.err = err;
	*out = NULL;
	if (len > SCRIPT_MAX_BYTES) {
		script_fail(&p.c, line_at(buf, SCRIPT_MAX_BYTES), SCRIPT_E_TOO_BIG,
			    "the script is larger than %d bytes", SCRIPT_MAX_BYTES);
		return (int)err->code;
	}
	if (utf8_printable(buf, len, UTF8_NEWLINE, &bad) != 0) {
		const char *what = "a character that is not printable UTF-8";

		if (buf[bad] == '\t')
			what = "a tab (indent with spaces)";
		else if (buf[bad] == '\r')
			what = "a carriage return (use LF line ends)";
		script_fail(&p.c, line_at(buf, bad), SCRIPT_E_TEXT, "%s at byte %zu", what, bad);
		return (int)err->code;
	}
	p.plan = calloc(1, sizeof(*p.plan));
	if (p.plan == NULL) {
		script_fail(&p.c, 0, SCRIPT_E_NOMEM, "out of memory");
		return (int)err->code;
	}
	p.c.plan = p.plan;
	crypto_hash_sha256(p.plan->sha256, buf, len);
	if (script_yaml_tree(&p.c, &p.tree, buf, len, &root) == 0)
		parse_root(&p, root);
	script_arena_free(&p.tree);
	if (p.c.failed) {
		script_arena_free(&p.mem);
		free(p.plan);
		return (int)err->code;
	}
	p.plan->arena = malloc(sizeof(struct script_arena));
	if (p.plan->arena == NULL) {
		script_arena_free(&p.mem);
		free(p.plan);
		script_fail(&p.c, 0, SCRIPT_E_NOMEM, "out of memory");
		return (int)err->code;
	}
	memcpy(p.plan->arena, &p.mem, sizeof(p.mem));
	*out = p.plan;
	return SCRIPT_OK;
}

int script_load(const char *path, struct script_plan **out, struct script_error *err)
{
	unsigned char *buf = NULL;
	size_t have = 0;
	struct stat st;
	int fd, ret;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		goto io;
	if (fstat(fd, &st) != 0)
		goto io;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto io;
	}
	/* One byte over the limit tells "too big" from "exactly the limit". */
	buf = malloc(SCRIPT_MAX_BYTES + 1);
	if (buf == NULL) {
		close(fd);
		err->code = SCRIPT_E_NOMEM;
		snprintf(err->message, sizeof(err->message), "out of memory");
		return (int)err->code;
	}
	while (have < SCRIPT_MAX_BYTES + 1) {
		ssize_t n = read(fd, buf + have, SCRIPT_MAX_BYTES + 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto io;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	ret = script_parse(buf, have, out, err);
	free(buf);
	return ret;
io:
	err->code = SCRIPT_E_IO;
	snprintf(err->message, sizeof(err->message), "cannot read the script: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	free(buf);
	return (int)err->code;
}

void script_free(struct script_plan *plan)
{
	if (plan == NULL)
		return;
	script_arena_free(plan->arena);
	free(plan->arena);
	free(plan);
}
