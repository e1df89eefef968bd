/*
 * The keys section of a script: each key's kind, origin and algorithm, the fields its kind and
 * origin allow (a table per key), its inputs and custodians, its certificate contents, and its
 * links to other keys.
 */
#include "ceremony/script/script_fields.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(o)	 (1u << (o))

/* Origins each kind may have, by profile rules (docs/script.md, "Keys"). */
static const unsigned kind_origins[] = {
    [SCRIPT_KEY_ROOT] =
	BIT(SCRIPT_ORIGIN_GENERATE) | BIT(SCRIPT_ORIGIN_SHARES) | BIT(SCRIPT_ORIGIN_CERTIFICATE),
    [SCRIPT_KEY_RECOVERY] =
	BIT(SCRIPT_ORIGIN_GENERATE) | BIT(SCRIPT_ORIGIN_SHARES) | BIT(SCRIPT_ORIGIN_CERTIFICATE),
    [SCRIPT_KEY_CONTINGENCY] = BIT(SCRIPT_ORIGIN_GENERATE) | BIT(SCRIPT_ORIGIN_SHARES),
    [SCRIPT_KEY_CONTINGENCY_SYMMETRIC] = BIT(SCRIPT_ORIGIN_GENERATE) | BIT(SCRIPT_ORIGIN_SHARES),
    [SCRIPT_KEY_ISSUING] = BIT(SCRIPT_ORIGIN_CSR) | BIT(SCRIPT_ORIGIN_CERTIFICATE),
    [SCRIPT_KEY_GENERIC] = BIT(SCRIPT_ORIGIN_GENERATE) | BIT(SCRIPT_ORIGIN_SHARES) |
			   BIT(SCRIPT_ORIGIN_CSR) | BIT(SCRIPT_ORIGIN_CERTIFICATE),
};

/* The OU an smki subject carries, by kind; NULL: none checked. */
static const char *const smki_ou[] = {
    [SCRIPT_KEY_ROOT] = "00",
    [SCRIPT_KEY_RECOVERY] = "01",
    [SCRIPT_KEY_ISSUING] = "07",
    [SCRIPT_KEY_GENERIC] = NULL,
};

/* The input type each origin takes its key from. */
static const enum script_input_type origin_input[] = {
    [SCRIPT_ORIGIN_SHARES] = SCRIPT_INPUT_SHARES,
    [SCRIPT_ORIGIN_CSR] = SCRIPT_INPUT_CSR,
    [SCRIPT_ORIGIN_CERTIFICATE] = SCRIPT_INPUT_CERTIFICATE,
};

static enum script_err key_algorithm(struct script_parse *p, const struct ynode *n,
				     struct script_key *k)
{
	struct script_ctx *c = &p->c;
	const bool sym = k->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC;
	unsigned alg = 0;
	bool aes;

	if (field_enum(p, n, "a key", "algorithm", FIELD_REQ, &script_algorithms, &alg) !=
	    SCRIPT_OK)
		return script_failed(c);
	k->algorithm = (enum script_algorithm)alg;
	aes = k->algorithm == SCRIPT_ALG_AES_128 || k->algorithm == SCRIPT_ALG_AES_256;
	if (sym != aes)
		return script_fail(c, field_line(n, "algorithm"), SCRIPT_E_RULE,
				   "a %s key cannot be %s", script_key_kind_name(k->kind),
				   script_algorithm_name(k->algorithm));
	if (p->plan->profile == SCRIPT_PROFILE_SMKI && !sym && k->algorithm != SCRIPT_ALG_EC_P256)
		return script_fail(c, field_line(n, "algorithm"), SCRIPT_E_RULE,
				   "the smki profile uses ec-p256 keys only");
	return SCRIPT_OK;
}

/* The fields a key must and may have, by its kind, origin and profile, in the order checked. */
static enum script_err key_presence(struct script_parse *p, const struct ynode *n,
				    const struct script_key *k)
{
	const bool smki = p->plan->profile == SCRIPT_PROFILE_SMKI;
	const enum script_key_kind kind = k->kind;
	const bool generated = k->origin == SCRIPT_ORIGIN_GENERATE;
	const bool made = generated || k->origin == SCRIPT_ORIGIN_CSR;
	const bool secret = generated || k->origin == SCRIPT_ORIGIN_SHARES;
	const bool named =
	    made && kind != SCRIPT_KEY_CONTINGENCY_SYMMETRIC && kind != SCRIPT_KEY_CONTINGENCY;
	const bool certified = made && (kind == SCRIPT_KEY_ROOT || kind == SCRIPT_KEY_ISSUING ||
					kind == SCRIPT_KEY_GENERIC);
	const bool generic_cert = kind == SCRIPT_KEY_GENERIC && certified;
	const bool new_root = kind == SCRIPT_KEY_ROOT && generated;
	/* A Root rebuilt from shares may be certified again (a new wrapped contingency key, SMKI
	 * Recovery Procedure); absent subject and validity are kept from its certificate. */
	const bool old_root = kind == SCRIPT_KEY_ROOT && k->origin == SCRIPT_ORIGIN_SHARES;
	const char *const certified_only =
	    "is only for root, issuing and generic keys certified here";
	const char *const generic_only = "is only for generic keys certified here";
	const struct field_rule rules[] = {
	    {"input", !generated, !generated, "a key that is not generated comes from an input",
	     "is not used by a generated key"},
	    {"custodians", secret, secret, "its shares need a custodian set",
	     "is only for generated keys or keys from shares"},
	    {"certificate", false, k->origin == SCRIPT_ORIGIN_SHARES, NULL,
	     "is only for keys rebuilt from shares"},
	    {"subject", named, named || old_root, "the key's certificate or CSR needs a subject",
	     "is only for root, recovery, issuing and generic keys that are generated or come "
	     "from a CSR"},
	    {"validity", certified && kind != SCRIPT_KEY_GENERIC, certified || old_root,
	     "its certificate needs a validity", certified_only},
	    {"policies", certified && smki, certified || old_root,
	     "smki certificates carry at least one policy", certified_only},
	    {"entity-id", smki && kind == SCRIPT_KEY_RECOVERY && generated,
	     kind == SCRIPT_KEY_RECOVERY && secret,
	     "the Recovery CSR carries the entity identifier",
	     "is only for recovery keys generated or rebuilt from shares"},
	    {"wrapped-by", smki && kind == SCRIPT_KEY_CONTINGENCY, kind == SCRIPT_KEY_CONTINGENCY,
	     "the contingency public key is only ever published wrapped",
	     "is only for contingency keys"},
	    {"apex-contingency-key", smki && new_root, new_root || old_root,
	     "an smki Root certificate carries the wrapped contingency key",
	     "is only for root keys generated or rebuilt from shares"},
	    {"issuer", kind == SCRIPT_KEY_ISSUING,
	     kind == SCRIPT_KEY_ISSUING || kind == SCRIPT_KEY_GENERIC || new_root,
	     "an issuing CA certificate is signed by a root key",
	     "is only for issuing, generic and replacement root keys"},
	    {"path-length", false, generic_cert, NULL, generic_only},
	    {"name-constraints", false, generic_cert, NULL, generic_only},
	};

	return field_rules(&p->c, n, rules, COUNT(rules));
}

/* Where the key comes from: its input (of the type its origin takes, owned by no other key), its
 * custodians, and the certificate of a key rebuilt from shares. */
static enum script_err key_sources(struct script_parse *p, const struct ynode *n,
				   struct script_key *k)
{
	struct script_ctx *c = &p->c;
	const char *what = "a key";

	FIELD_REF(p, n, what, "input", 0, script_find_input, "input", k->input);
	FIELD_REF(p, n, what, "custodians", 0, script_find_set, "custodian set", k->custodians);
	FIELD_REF(p, n, what, "certificate", 0, script_find_input, "input", k->certificate);
	if (k->input != NULL) {
		struct script_input *in = &p->plan->inputs[k->input - p->plan->inputs];
		enum script_input_type want = origin_input[k->origin];

		if (in->type != want)
			return script_fail(c, field_line(n, "input"), SCRIPT_E_RULE,
					   "a key with origin %s needs an input of type %s, and "
					   "'%s' is %s",
					   script_origin_name(k->origin),
					   script_input_type_name(want), in->id,
					   script_input_type_name(in->type));
		if (in->key != NULL)
			return script_fail(c, field_line(n, "input"), SCRIPT_E_RULE,
					   "input '%s' already belongs to key '%s'", in->id,
					   in->key->id);
		in->key = k;
	}
	if (k->certificate != NULL && k->certificate->type != SCRIPT_INPUT_CERTIFICATE)
		return script_fail(c, field_line(n, "certificate"), SCRIPT_E_RULE,
				   "input '%s' is not a certificate", k->certificate->id);
	return SCRIPT_OK;
}

/* The subject; in the smki profile, with the one OU of its kind. */
static enum script_err key_subject(struct script_parse *p, const struct ynode *n,
				   struct script_key *k)
{
	const char *ou = p->plan->profile == SCRIPT_PROFILE_SMKI ? smki_ou[k->kind] : NULL;
	unsigned ous = 0;
	bool ok = false;

	if (field_subject(p, n, "a key", &k->subject) != SCRIPT_OK)
		return script_failed(&p->c);
	if (ou == NULL || k->subject.count == 0)
		return SCRIPT_OK;
	for (unsigned r = 0; r < k->subject.count; r++) {
		if (strcmp(k->subject.rdn[r].type, "OU") == 0) {
			ous++;
			ok = strcmp(k->subject.rdn[r].value, ou) == 0;
		}
	}
	if (ous != 1 || !ok)
		return script_fail(&p->c, field_line(n, "subject"), SCRIPT_E_RULE,
				   "an smki %s subject has exactly one OU, OU=%s",
				   script_key_kind_name(k->kind), ou);
	return SCRIPT_OK;
}

/* Certificate policies: dotted OIDs, each once. */
static enum script_err key_policies(struct script_parse *p, const struct ynode *n,
				    struct script_key *k)
{
	struct script_ctx *c = &p->c;
	const struct ynode *seq;

	if (field_seq(p, n, "a key", "policies", 0, 1, SCRIPT_MAX_POLICIES, &seq) != SCRIPT_OK)
		return script_failed(c);
	for (const struct ynode *e = seq != NULL ? seq->head : NULL; e != NULL; e = e->next) {
		if (field_scalar(c, e, "policies") != SCRIPT_OK)
			return script_failed(c);
		if (!script_valid_oid(e->text))
			return script_fail(c, e->line, SCRIPT_E_SCHEMA,
					   "policy '%s' is not a dotted OID", script_q(c, e->text));
		for (unsigned j = 0; j < k->policy_count; j++)
			if (strcmp(k->policies[j], e->text) == 0)
				return script_fail(c, e->line, SCRIPT_E_RULE,
						   "policy %s is listed twice",
						   script_q(c, e->text));
		k->policies[k->policy_count] = script_arena_strndup(&p->mem, e->text, e->len);
		if (k->policies[k->policy_count++] == NULL)
			return script_nomem(c);
	}
	return SCRIPT_OK;
}

static enum script_err key_name_constraints(struct script_parse *p, const struct ynode *n,
					    struct script_key *k)
{
	static const char *const nc_keys[] = {"permitted", "excluded", NULL};
	struct script_ctx *c = &p->c;
	const struct ynode *v = field_get(n, "name-constraints");

	if (v == NULL)
		return SCRIPT_OK;
	if (field_map(c, v, "name-constraints", nc_keys) != SCRIPT_OK ||
	    field_constraints(p, v, "permitted", k->permitted, &k->permitted_count) != SCRIPT_OK ||
	    field_constraints(p, v, "excluded", k->excluded, &k->excluded_count) != SCRIPT_OK)
		return script_failed(c);
	if (k->permitted_count + k->excluded_count == 0)
		return script_fail(c, v->line, SCRIPT_E_SCHEMA, "'name-constraints' is empty");
	return SCRIPT_OK;
}

/* The fields of one key that depend only on its own kind, origin and profile. */
static enum script_err key_fields(struct script_parse *p, const struct ynode *n,
				  struct script_key *k)
{
	const char *what = "a key";
	unsigned pathlen = 0;
	int has_pathlen = 0;

	if (key_algorithm(p, n, k) != SCRIPT_OK || key_presence(p, n, k) != SCRIPT_OK ||
	    key_sources(p, n, k) != SCRIPT_OK || key_subject(p, n, k) != SCRIPT_OK ||
	    field_validity(p, n, what, "validity", 0, &k->validity) != SCRIPT_OK ||
	    field_hex(p, n, what, "entity-id", 0, k->entity_id, sizeof(k->entity_id),
		      &k->has_entity_id) != SCRIPT_OK ||
	    field_uint(p, n, what, "path-length", 0, 0, 16, &pathlen, &has_pathlen) != SCRIPT_OK)
		return script_failed(&p->c);
	k->path_length = has_pathlen ? (int)pathlen : -1;
	if (key_policies(p, n, k) != SCRIPT_OK || key_name_constraints(p, n, k) != SCRIPT_OK)
		return script_failed(&p->c);
	return SCRIPT_OK;
}

/* References between keys: wrapped-by, apex-contingency-key, issuer. */
static enum script_err key_links(struct script_parse *p, const struct ynode *n,
				 struct script_key *k)
{
	struct script_ctx *c = &p->c;
	const char *what = "a key";

	FIELD_REF(p, n, what, "wrapped-by", 0, script_find_key, "key", k->wrapped_by);
	FIELD_REF(p, n, what, "apex-contingency-key", 0, script_find_key, "key", k->apex);
	FIELD_REF(p, n, what, "issuer", 0, script_find_key, "key", k->issuer);
	if (k->wrapped_by != NULL) {
		if (k->wrapped_by->kind != SCRIPT_KEY_CONTINGENCY_SYMMETRIC)
			return script_fail(c, field_line(n, "wrapped-by"), SCRIPT_E_RULE,
					   "'%s' is a %s key, not contingency-symmetric",
					   k->wrapped_by->id,
					   script_kinds.name[k->wrapped_by->kind]);
		if (k->wrapped_by->origin != k->origin)
			return script_fail(c, field_line(n, "wrapped-by"), SCRIPT_E_RULE,
					   "a %s contingency key is wrapped by a symmetric key of "
					   "the same origin ('%s' is %s)",
					   script_origins.name[k->origin], k->wrapped_by->id,
					   script_origins.name[k->wrapped_by->origin]);
	}
	if (k->apex != NULL) {
		if (k->apex->kind != SCRIPT_KEY_CONTINGENCY)
			return script_fail(c, field_line(n, "apex-contingency-key"), SCRIPT_E_RULE,
					   "'%s' is a %s key, not a contingency key", k->apex->id,
					   script_kinds.name[k->apex->kind]);
		/* Whether it is wrapped is checked once every key is linked (script_rules.c). */
		if (k->apex->origin != SCRIPT_ORIGIN_GENERATE)
			return script_fail(c, field_line(n, "apex-contingency-key"), SCRIPT_E_RULE,
					   "a new Root certificate carries a freshly generated, "
					   "wrapped contingency key");
	}
	if (k->issuer != NULL) {
		enum script_key_kind want = k->kind == SCRIPT_KEY_ISSUING ? SCRIPT_KEY_ROOT
					    : k->kind == SCRIPT_KEY_ROOT  ? SCRIPT_KEY_CONTINGENCY
									  : SCRIPT_KEY_GENERIC;

		if (k->issuer == k)
			return script_fail(c, field_line(n, "issuer"), SCRIPT_E_RULE,
					   "a key is not its own issuer (leave 'issuer' out for a "
					   "self-signed certificate)");
		if (k->issuer->kind != want)
			return script_fail(c, field_line(n, "issuer"), SCRIPT_E_RULE,
					   "a %s key is issued by a %s key, and '%s' is %s",
					   script_kinds.name[k->kind], script_kinds.name[want],
					   k->issuer->id, script_kinds.name[k->issuer->kind]);
		if (k->issuer->origin == SCRIPT_ORIGIN_CSR ||
		    k->issuer->origin == SCRIPT_ORIGIN_CERTIFICATE)
			return script_fail(c, field_line(n, "issuer"), SCRIPT_E_RULE,
					   "issuer '%s' has no private key in this ceremony",
					   k->issuer->id);
	}
	return SCRIPT_OK;
}

enum script_err script_parse_keys(struct script_parse *p, const struct ynode *root)
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

	plan->keys =
	    field_section(p, root, "keys", FIELD_REQ, SCRIPT_MAX_KEYS, sizeof(*plan->keys), &seq);
	if (plan->keys == NULL)
		return script_failed(&p->c);
	/* First every id, kind and origin, so that keys may name keys written after them. */
	for (n = seq->head; n != NULL; n = n->next, i++) {
		struct script_key *k = &plan->keys[i];
		const struct script_key *prev;
		const char *what = "a key";
		unsigned kind = 0, origin = SCRIPT_ORIGIN_GENERATE;

		if (field_map(&p->c, n, what, keys) != SCRIPT_OK ||
		    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &k->id) != SCRIPT_OK)
			return script_failed(&p->c);
		if ((prev = script_find_key(plan, k->id)) != NULL && prev != k)
			return field_duplicate(p, field_line(n, "id"), "key", k->id, prev->line);
		k->line = n->line;
		k->index = i;
		plan->key_count = i + 1;
		if (field_enum(p, n, what, "kind", FIELD_REQ, &script_kinds, &kind) != SCRIPT_OK ||
		    field_enum(p, n, what, "origin", 0, &script_origins, &origin) != SCRIPT_OK)
			return script_failed(&p->c);
		k->kind = (enum script_key_kind)kind;
		k->origin = (enum script_origin)origin;
		if ((plan->profile == SCRIPT_PROFILE_GENERIC) != (k->kind == SCRIPT_KEY_GENERIC))
			return script_fail(&p->c, field_line(n, "kind"), SCRIPT_E_RULE,
					   "the %s profile has no %s keys",
					   script_profiles.name[plan->profile],
					   script_kinds.name[kind]);
		if (!(kind_origins[k->kind] & (1u << origin)))
			return script_fail(
			    &p->c, field_line(n, field_get(n, "origin") ? "origin" : "kind"),
			    SCRIPT_E_RULE, "a %s key cannot have origin %s",
			    script_kinds.name[kind], script_origins.name[origin]);
	}
	i = 0;
	for (n = seq->head; n != NULL; n = n->next, i++)
		if (key_fields(p, n, &plan->keys[i]) != SCRIPT_OK)
			return script_failed(&p->c);
	i = 0;
	for (n = seq->head; n != NULL; n = n->next, i++)
		if (key_links(p, n, &plan->keys[i]) != SCRIPT_OK)
			return script_failed(&p->c);
	return SCRIPT_OK;
}
