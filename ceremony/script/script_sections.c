/*
 * The sections of a script but the keys (script_keys.c): participants, custodian sets, media,
 * inputs, outputs and steps, each entry read into the plan with its references resolved.
 */
#include "ceremony/script/action.h"
#include "ceremony/script/script_fields.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum script_err script_parse_participants(struct script_parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id", "name", "role", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	plan->participants =
	    field_section(p, root, "participants", FIELD_REQ, SCRIPT_MAX_PARTICIPANTS,
			  sizeof(*plan->participants), &seq);
	if (plan->participants == NULL)
		return script_failed(&p->c);
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_participant *pa = &plan->participants[i];
		const struct script_participant *prev;
		const char *what = "a participant";
		unsigned role = 0, named;

		if (field_map(&p->c, n, what, keys) != SCRIPT_OK ||
		    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &pa->id) != SCRIPT_OK)
			return script_failed(&p->c);
		if (script_name_find(&script_roles, pa->id, &named))
			return script_fail(&p->c, field_line(n, "id"), SCRIPT_E_RULE,
					   "participant id '%s' is a role name", pa->id);
		if ((prev = script_find_participant(plan, pa->id)) != NULL)
			return field_duplicate(p, field_line(n, "id"), "participant", pa->id,
					       prev->line);
		if (field_text(p, n, what, "name", FIELD_REQ, SCRIPT_NAME_MAX, &pa->name) !=
			SCRIPT_OK ||
		    field_enum(p, n, what, "role", FIELD_REQ, &script_roles, &role) != SCRIPT_OK)
			return script_failed(&p->c);
		pa->role = (enum script_role)role;
		pa->index = i;
		pa->line = n->line;
		plan->participant_count = i + 1;
	}
	return SCRIPT_OK;
}

static enum script_err parse_members(struct script_parse *p, const struct ynode *map,
				     const char *what, struct script_custodian_set *set,
				     struct script_group *g)
{
	const struct ynode *seq;

	if (field_seq(p, map, what, "members", FIELD_REQ, 1, SCRIPT_MAX_MEMBERS, &seq) != SCRIPT_OK)
		return script_failed(&p->c);
	for (const struct ynode *e = seq->head; e != NULL; e = e->next) {
		const struct script_participant *pa;

		if (field_scalar(&p->c, e, "members") != SCRIPT_OK)
			return script_failed(&p->c);
		pa = script_find_participant(p->plan, e->text);
		if (pa == NULL)
			return script_fail(&p->c, e->line, SCRIPT_E_REFERENCE,
					   "no participant named '%s'", script_q(&p->c, e->text));
		if (pa->role != SCRIPT_ROLE_CUSTODIAN)
			return script_fail(&p->c, e->line, SCRIPT_E_RULE,
					   "'%s' is a %s, not a custodian", pa->id,
					   script_roles.name[pa->role]);
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
	return SCRIPT_OK;
}

/* member threshold against the members (SLIP-39: 1 <= T <= N <= 16, and T = 1 only if N = 1) */
static enum script_err parse_group(struct script_parse *p, const struct ynode *map,
				   const char *what, struct script_custodian_set *set,
				   struct script_group *g)
{
	if (field_uint(p, map, what, "threshold", FIELD_REQ, 1, SCRIPT_MAX_MEMBERS, &g->threshold,
		       NULL) != SCRIPT_OK ||
	    parse_members(p, map, what, set, g) != SCRIPT_OK)
		return script_failed(&p->c);
	if (g->threshold > g->count)
		return script_fail(&p->c, field_line(map, "threshold"), SCRIPT_E_RANGE,
				   "threshold %u is more than the %u members", g->threshold,
				   g->count);
	if (g->threshold == 1 && g->count > 1)
		return script_fail(&p->c, field_line(map, "threshold"), SCRIPT_E_RULE,
				   "SLIP-39 does not allow a threshold of 1 with %u members "
				   "(use 1 of 1, or a higher threshold)",
				   g->count);
	set->share_count += g->count;
	return SCRIPT_OK;
}

enum script_err script_parse_sets(struct script_parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id",     "threshold", "members", "group-threshold",
					   "groups", NULL};
	static const char *const group_keys[] = {"threshold", "members", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	plan->sets =
	    field_section(p, root, "custodian-sets", 0, SCRIPT_MAX_SETS, sizeof(*plan->sets), &seq);
	if (plan->sets == NULL)
		return script_failed(&p->c); /* SCRIPT_OK when there is none */
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_custodian_set *set = &plan->sets[i];
		const struct script_custodian_set *prev;
		const char *what = "a custodian set";
		const struct ynode *groups;

		if (field_map(&p->c, n, what, keys) != SCRIPT_OK ||
		    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &set->id) != SCRIPT_OK)
			return script_failed(&p->c);
		if ((prev = script_find_set(plan, set->id)) != NULL && prev != set)
			return field_duplicate(p, field_line(n, "id"), "custodian set", set->id,
					       prev->line);
		set->line = n->line;
		plan->set_count = i + 1;
		if (field_get(n, "groups") == NULL) {
			if (field_only_if(&p->c, n, "group-threshold", false,
					  "needs 'groups' (or use 'threshold' and 'members')") !=
			    SCRIPT_OK)
				return script_failed(&p->c);
			set->group_threshold = 1;
			set->group_count = 1;
			if (parse_group(p, n, what, set, &set->groups[0]) != SCRIPT_OK)
				return script_failed(&p->c);
			continue;
		}
		if (field_only_if(&p->c, n, "threshold", false,
				  "belongs in each group when a set has 'groups'") != SCRIPT_OK ||
		    field_only_if(&p->c, n, "members", false,
				  "belongs in each group when a set has 'groups'") != SCRIPT_OK ||
		    field_uint(p, n, what, "group-threshold", FIELD_REQ, 1, SCRIPT_MAX_GROUPS,
			       &set->group_threshold, NULL) != SCRIPT_OK ||
		    field_seq(p, n, what, "groups", FIELD_REQ, 1, SCRIPT_MAX_GROUPS, &groups) !=
			SCRIPT_OK)
			return script_failed(&p->c);
		for (const struct ynode *g = groups->head; g != NULL; g = g->next) {
			if (field_map(&p->c, g, "a group", group_keys) != SCRIPT_OK ||
			    parse_group(p, g, "a group", set, &set->groups[set->group_count]) !=
				SCRIPT_OK)
				return script_failed(&p->c);
			set->group_count++;
		}
		if (set->group_threshold > set->group_count)
			return script_fail(&p->c, field_line(n, "group-threshold"), SCRIPT_E_RANGE,
					   "group-threshold %u is more than the %u groups",
					   set->group_threshold, set->group_count);
	}
	return SCRIPT_OK;
}

enum script_err script_parse_media(struct script_parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id", "kind", "holder", "label", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	plan->media = field_section(p, root, "media", FIELD_REQ, SCRIPT_MAX_MEDIA,
				    sizeof(*plan->media), &seq);
	if (plan->media == NULL)
		return script_failed(&p->c);
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_medium *m = &plan->media[i];
		const struct script_medium *prev;
		const char *what = "a medium";
		unsigned kind = 0;
		bool custodian;

		if (field_map(&p->c, n, what, keys) != SCRIPT_OK ||
		    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &m->id) != SCRIPT_OK)
			return script_failed(&p->c);
		if ((prev = script_find_medium(plan, m->id)) != NULL && prev != m)
			return field_duplicate(p, field_line(n, "id"), "medium", m->id, prev->line);
		m->line = n->line;
		plan->medium_count = i + 1;
		if (field_enum(p, n, what, "kind", FIELD_REQ, &script_medium_kinds, &kind) !=
		    SCRIPT_OK)
			return script_failed(&p->c);
		m->kind = (enum script_medium_kind)kind;
		custodian = m->kind == SCRIPT_MEDIUM_CUSTODIAN;
		if (field_only_if(&p->c, n, "holder", custodian, "is only for custodian media") !=
			SCRIPT_OK ||
		    field_require_if(&p->c, n, "holder", custodian,
				     "a custodian medium names its holder") != SCRIPT_OK ||
		    field_text(p, n, what, "label", 0, SCRIPT_NAME_MAX, &m->label) != SCRIPT_OK)
			return script_failed(&p->c);
		FIELD_REF(p, n, what, "holder", 0, script_find_participant, "participant",
			  m->holder);
		if (m->holder == NULL)
			continue;
		if (m->holder->role != SCRIPT_ROLE_CUSTODIAN)
			return script_fail(&p->c, field_line(n, "holder"), SCRIPT_E_RULE,
					   "'%s' is a %s, not a custodian", m->holder->id,
					   script_roles.name[m->holder->role]);
		for (unsigned j = 0; j < i; j++)
			if (plan->media[j].holder == m->holder)
				return script_fail(&p->c, field_line(n, "holder"), SCRIPT_E_RULE,
						   "'%s' already holds medium '%s'", m->holder->id,
						   plan->media[j].id);
	}
	return SCRIPT_OK;
}

/* The payloads of a payloads input: each {file, sha256}, files once each. */
static enum script_err parse_payloads(struct script_parse *p, const struct ynode *n,
				      struct script_input *in)
{
	static const char *const keys[] = {"file", "sha256", NULL};
	const char *what = "a payload";
	struct script_payload *pl;
	bool present = false;
	const struct ynode *seq;
	unsigned i = 0;

	if (field_seq(p, n, "an input", "payloads", FIELD_REQ, 1, SCRIPT_MAX_PAYLOADS, &seq) !=
	    SCRIPT_OK)
		return script_failed(&p->c);
	pl = field_array(p, seq->count, sizeof(*pl));
	if (pl == NULL)
		return script_failed(&p->c);
	for (const struct ynode *e = seq->head; e != NULL; e = e->next, i++) {
		if (field_map(&p->c, e, what, keys) != SCRIPT_OK ||
		    field_file(p, e, what, FIELD_REQ, &pl[i].file) != SCRIPT_OK ||
		    field_hex(p, e, what, "sha256", FIELD_REQ, pl[i].sha256, SCRIPT_SHA256_LEN,
			      &present) != SCRIPT_OK)
			return script_failed(&p->c);
		if (strlen(pl[i].file) > SCRIPT_PAYLOAD_FILE_MAX)
			return script_fail(&p->c, field_line(e, "file"), SCRIPT_E_RANGE,
					   "a payload's file name has at most %d characters",
					   SCRIPT_PAYLOAD_FILE_MAX);
		for (unsigned j = 0; j < i; j++)
			if (strcmp(pl[j].file, pl[i].file) == 0)
				return script_fail(&p->c, field_line(e, "file"), SCRIPT_E_RULE,
						   "payload %s is listed twice", pl[i].file);
	}
	in->payloads = pl;
	in->payload_count = i;
	return SCRIPT_OK;
}

/* What decision and payloads inputs add: a decision's reference and approved SHA-256; the
 * payloads and what their signatures cover. */
static enum script_err parse_input_extra(struct script_parse *p, const struct ynode *n,
					 struct script_input *in)
{
	static const char *const signing_[] = {"file-bytes"};
	static const struct script_names signing = {signing_, 1};
	unsigned si = 0;

	if (in->type == SCRIPT_INPUT_DECISION)
		return field_text(p, n, "an input", "reference", FIELD_REQ, SCRIPT_NAME_MAX,
				  &in->reference) != SCRIPT_OK ||
			       field_require_if(&p->c, n, "sha256", true,
						"a decision is approved by its SHA-256") !=
				   SCRIPT_OK
			   ? script_failed(&p->c)
			   : SCRIPT_OK;
	if (in->type != SCRIPT_INPUT_PAYLOADS)
		return SCRIPT_OK;
	if (field_enum(p, n, "an input", "signing-input", FIELD_REQ, &signing, &si) != SCRIPT_OK)
		return script_failed(&p->c);
	in->signing_input = (enum script_signing_input)si;
	return parse_payloads(p, n, in);
}

enum script_err script_parse_inputs(struct script_parse *p, const struct ynode *root)
{
	static const char *const file_keys[] = {"id",	"type",	  "source", "medium",
						"file", "sha256", NULL};
	static const char *const share_keys[] = {"id", "type", "ceremony", NULL};
	static const char *const digest_keys[] = {"id",	    "type",   "ceremony", "digest",
						  "source", "medium", "file",	  NULL};
	static const char *const decision_keys[] = {"id",     "type",	"reference", "sha256",
						    "source", "medium", "file",	     NULL};
	static const char *const payload_keys[] = {"id",     "type",	 "source",
						   "medium", "payloads", "signing-input", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	plan->inputs =
	    field_section(p, root, "inputs", 0, SCRIPT_MAX_INPUTS, sizeof(*plan->inputs), &seq);
	if (plan->inputs == NULL)
		return script_failed(&p->c); /* SCRIPT_OK when there is none */
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_input *in = &plan->inputs[i];
		const struct script_input *prev;
		const char *what = "an input";
		const char *const *keys;
		unsigned type = 0, source = SCRIPT_SOURCE_ANY;
		char kind[48];

		if (n->type != Y_MAP)
			return script_fail(&p->c, n->line, SCRIPT_E_SCHEMA,
					   "an input must be a mapping");
		if (field_enum(p, n, what, "type", FIELD_REQ, &script_input_types, &type) !=
		    SCRIPT_OK)
			return script_failed(&p->c);
		in->type = (enum script_input_type)type;
		keys = in->type == SCRIPT_INPUT_SHARES		    ? share_keys
		       : in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST ? digest_keys
		       : in->type == SCRIPT_INPUT_DECISION	    ? decision_keys
		       : in->type == SCRIPT_INPUT_PAYLOADS	    ? payload_keys
								    : file_keys;
		snprintf(kind, sizeof(kind), "an input of type %s", script_input_types.name[type]);
		if (field_map(&p->c, n, kind, keys) != SCRIPT_OK ||
		    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &in->id) != SCRIPT_OK)
			return script_failed(&p->c);
		if ((prev = script_find_input(plan, in->id)) != NULL && prev != in)
			return field_duplicate(p, field_line(n, "id"), "input", in->id, prev->line);
		in->line = n->line;
		plan->input_count = i + 1;
		if (field_enum(p, n, what, "source", 0, &script_sources, &source) != SCRIPT_OK ||
		    field_file(p, n, what, 0, &in->file) != SCRIPT_OK ||
		    field_hex(p, n, what, "sha256", 0, in->sha256, sizeof(in->sha256),
			      &in->has_sha256) != SCRIPT_OK ||
		    field_hex(p, n, what, "digest", 0, in->digest, sizeof(in->digest),
			      &in->has_digest) != SCRIPT_OK ||
		    field_id(p, n, what, "ceremony",
			     in->type == SCRIPT_INPUT_SHARES ||
				     in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST
				 ? FIELD_REQ
				 : 0,
			     SCRIPT_CEREMONY_ID_MAX, &in->ceremony) != SCRIPT_OK)
			return script_failed(&p->c);
		in->source = (enum script_source)source;
		FIELD_REF(p, n, what, "medium", 0, script_find_medium, "medium", in->medium);
		if (in->medium != NULL && in->medium->kind == SCRIPT_MEDIUM_CUSTODIAN)
			return script_fail(&p->c, field_line(n, "medium"), SCRIPT_E_RULE,
					   "inputs do not come from custodian media");
		if (field_only_if(&p->c, n, "medium", in->source != SCRIPT_SOURCE_QR,
				  "does not go with 'source: qr'") != SCRIPT_OK ||
		    field_require_if(&p->c, n, "medium", in->source == SCRIPT_SOURCE_MEDIUM,
				     "'source: medium' names the medium") != SCRIPT_OK ||
		    field_require_if(&p->c, n, "file",
				     in->medium != NULL && in->type != SCRIPT_INPUT_PAYLOADS,
				     "a medium input names its file") != SCRIPT_OK ||
		    field_require_if(&p->c, n, "medium", in->file != NULL,
				     "a file is on a named medium") != SCRIPT_OK ||
		    parse_input_extra(p, n, in) != SCRIPT_OK)
			return script_failed(&p->c);
	}
	return SCRIPT_OK;
}

static enum script_err parse_revoked(struct script_parse *p, const struct ynode *n,
				     struct script_output *o)
{
	static const char *const keys[] = {"serial", "reason", NULL};
	const struct ynode *seq;
	unsigned i = 0;

	if (field_seq(p, n, "an output", "revoked", 0, 0, SCRIPT_MAX_REVOKED, &seq) != SCRIPT_OK)
		return script_failed(&p->c);
	if (seq == NULL)
		return SCRIPT_OK;
	o->revoked = field_array(p, seq->count, sizeof(*o->revoked));
	if (o->revoked == NULL)
		return script_failed(&p->c);
	for (const struct ynode *e = seq->head; e != NULL; e = e->next, i++) {
		struct script_revoked *r = &o->revoked[i];
		const char *serial, *reason;
		unsigned char raw[SCRIPT_SERIAL_MAX + 1];
		size_t len, got = 0, skip = 0;
		bool known = false;

		if (field_map(&p->c, e, "a revoked certificate", keys) != SCRIPT_OK ||
		    field_text(p, e, "a revoked certificate", "serial", FIELD_REQ, 64, &serial) !=
			SCRIPT_OK ||
		    field_text(p, e, "a revoked certificate", "reason", FIELD_REQ, 32, &reason) !=
			SCRIPT_OK)
			return script_failed(&p->c);
		len = strlen(serial);
		if (len % 2 != 0 || len > 2 * sizeof(raw) ||
		    sodium_hex2bin(raw, sizeof(raw), serial, len, NULL, &got, NULL) != 0 ||
		    got != len / 2)
			return script_fail(&p->c, field_line(e, "serial"), SCRIPT_E_SCHEMA,
					   "'serial' must be an even number of hex digits");
		while (skip < got && raw[skip] == 0)
			skip++;
		if (skip == got || got - skip > SCRIPT_SERIAL_MAX)
			return script_fail(&p->c, field_line(e, "serial"), SCRIPT_E_RANGE,
					   "'serial' must be positive and at most %d octets",
					   SCRIPT_SERIAL_MAX);
		r->serial_len = got - skip;
		memcpy(r->serial, raw + skip, r->serial_len);
		for (unsigned j = 0; j < i; j++)
			if (o->revoked[j].serial_len == r->serial_len &&
			    memcmp(o->revoked[j].serial, r->serial, r->serial_len) == 0)
				return script_fail(&p->c, field_line(e, "serial"), SCRIPT_E_RULE,
						   "serial %s is listed twice",
						   script_q(&p->c, serial));
		known = script_crl_reason_by_name(reason, &r->reason);
		if (!known)
			return script_fail(&p->c, field_line(e, "reason"), SCRIPT_E_SCHEMA,
					   "unknown revocation reason '%s' (see docs/script.md)",
					   script_q(&p->c, reason));
		o->revoked_count = i + 1;
	}
	return SCRIPT_OK;
}

enum script_err script_parse_outputs(struct script_parse *p, const struct ynode *root)
{
	static const char *const keys[] = {"id", "type",	"key",	   "medium", "file",
					   "qr", "next-update", "revoked", NULL};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	plan->outputs =
	    field_section(p, root, "outputs", 0, SCRIPT_MAX_OUTPUTS, sizeof(*plan->outputs), &seq);
	if (plan->outputs == NULL)
		return script_failed(&p->c); /* SCRIPT_OK when there is none */
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		struct script_output *o = &plan->outputs[i];
		const struct script_output *prev;
		const char *what = "an output";
		unsigned type = 0;
		bool crl, transcript;

		if (field_map(&p->c, n, what, keys) != SCRIPT_OK ||
		    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &o->id) != SCRIPT_OK)
			return script_failed(&p->c);
		if ((prev = script_find_output(plan, o->id)) != NULL && prev != o)
			return field_duplicate(p, field_line(n, "id"), "output", o->id, prev->line);
		o->line = n->line;
		plan->output_count = i + 1;
		if (field_enum(p, n, what, "type", FIELD_REQ, &script_output_types, &type) !=
		    SCRIPT_OK)
			return script_failed(&p->c);
		o->type = (enum script_output_type)type;
		crl = o->type == SCRIPT_OUTPUT_CRL;
		transcript = o->type == SCRIPT_OUTPUT_TRANSCRIPT;
		if (field_require_if(&p->c, n, "key", !transcript, "an output belongs to a key") !=
			SCRIPT_OK ||
		    field_only_if(&p->c, n, "key", !transcript, "does not go with a transcript") !=
			SCRIPT_OK ||
		    field_only_if(&p->c, n, "qr", !transcript, "is not offered for a transcript") !=
			SCRIPT_OK ||
		    field_require_if(&p->c, n, "next-update", crl, "a CRL has a next update") !=
			SCRIPT_OK ||
		    field_only_if(&p->c, n, "next-update", crl, "is only for CRLs") != SCRIPT_OK ||
		    field_only_if(&p->c, n, "revoked", crl, "is only for CRLs") != SCRIPT_OK ||
		    field_file(p, n, what, FIELD_REQ, &o->file) != SCRIPT_OK ||
		    field_bool(p, n, what, "qr", &o->qr) != SCRIPT_OK ||
		    field_validity(p, n, what, "next-update", 0, &o->next_update) != SCRIPT_OK ||
		    parse_revoked(p, n, o) != SCRIPT_OK)
			return script_failed(&p->c);
		if (strcmp(o->file, "SHA256SUMS") == 0)
			return script_fail(&p->c, field_line(n, "file"), SCRIPT_E_RULE,
					   "SHA256SUMS is the medium's manifest, not an output");
		FIELD_REF(p, n, what, "key", 0, script_find_key, "key", o->key);
		FIELD_REF(p, n, what, "medium", FIELD_REQ, script_find_medium, "medium", o->medium);
		if (o->medium->kind != SCRIPT_MEDIUM_PUBLIC &&
		    o->medium->kind != SCRIPT_MEDIUM_BACKUP)
			return script_fail(&p->c, field_line(n, "medium"), SCRIPT_E_RULE,
					   "outputs go to public or backup media; '%s' is %s",
					   o->medium->id,
					   script_medium_kinds.name[o->medium->kind]);
		for (unsigned j = 0; j < i; j++)
			if (plan->outputs[j].medium == o->medium &&
			    strcmp(plan->outputs[j].file, o->file) == 0)
				return script_fail(&p->c, field_line(n, "file"), SCRIPT_E_RULE,
						   "output '%s' already writes %s/%s",
						   plan->outputs[j].id, o->medium->id, o->file);
	}
	return SCRIPT_OK;
}

/* The fields of a step its action needs and allows (the action table, action.c). */
static enum script_err step_fields(struct script_parse *p, const struct ynode *n,
				   const struct action *a)
{
	static const struct {
		unsigned flag;
		const char *key;
	} fields[] = {
	    {ACTION_KEY, "key"},	{ACTION_INPUT, "input"}, {ACTION_OUTPUT, "output"},
	    {ACTION_SET, "custodians"}, {ACTION_TEXT, "text"},
	};
	struct field_rule rules[COUNT(fields)];
	char need[64], only[64];

	snprintf(need, sizeof(need), "a %s step needs it", a->name);
	snprintf(only, sizeof(only), "is not used by a %s step", a->name);
	for (size_t f = 0; f < COUNT(fields); f++) {
		rules[f].key = fields[f].key;
		rules[f].required = (a->required & fields[f].flag) != 0;
		rules[f].allowed = ((a->required | a->optional) & fields[f].flag) != 0;
		rules[f].need = need;
		rules[f].only = only;
	}
	return field_rules(&p->c, n, rules, COUNT(rules));
}

/* A role, or a participant by id. */
static enum script_err step_actor(struct script_parse *p, const struct ynode *n,
				  struct script_step *s, const char *actor)
{
	unsigned role;

	s->actor.is_role = script_name_find(&script_roles, actor, &role);
	if (s->actor.is_role) {
		s->actor.role = (enum script_role)role;
		return SCRIPT_OK;
	}
	s->actor.participant = script_find_participant(p->plan, actor);
	if (s->actor.participant == NULL)
		return script_fail(&p->c, field_line(n, "actor"), SCRIPT_E_REFERENCE,
				   "actor '%s' is neither a role nor a participant", actor);
	return SCRIPT_OK;
}

static enum script_err parse_step(struct script_parse *p, const struct ynode *n,
				  struct script_step *s, const struct script_names *actions)
{
	static const char *const keys[] = {"id",    "title",  "actor",	    "action", "key",
					   "input", "output", "custodians", "text",   NULL};
	const char *what = "a step", *actor;
	const struct script_step *prev;
	unsigned action = 0;

	if (field_map(&p->c, n, what, keys) != SCRIPT_OK ||
	    field_id(p, n, what, "id", FIELD_REQ, SCRIPT_ID_MAX, &s->id) != SCRIPT_OK)
		return script_failed(&p->c);
	if ((prev = script_find_step(p->plan, s->id)) != NULL && prev != s)
		return field_duplicate(p, field_line(n, "id"), "step", s->id, prev->line);
	s->line = n->line;
	p->plan->step_count = s->number;
	if (field_text(p, n, what, "title", FIELD_REQ, SCRIPT_NAME_MAX, &s->title) != SCRIPT_OK ||
	    field_enum(p, n, what, "action", FIELD_REQ, actions, &action) != SCRIPT_OK ||
	    field_id(p, n, what, "actor", FIELD_REQ, SCRIPT_ID_MAX, &actor) != SCRIPT_OK)
		return script_failed(&p->c);
	s->action = (enum script_action)action;
	if (step_fields(p, n, script_action_row(s->action)) != SCRIPT_OK ||
	    step_actor(p, n, s, actor) != SCRIPT_OK ||
	    field_text(p, n, what, "text", FIELD_MULTILINE, SCRIPT_TEXT_MAX, &s->text) != SCRIPT_OK)
		return script_failed(&p->c);
	FIELD_REF(p, n, what, "key", 0, script_find_key, "key", s->key);
	FIELD_REF(p, n, what, "input", 0, script_find_input, "input", s->input);
	FIELD_REF(p, n, what, "output", 0, script_find_output, "output", s->output);
	FIELD_REF(p, n, what, "custodians", 0, script_find_set, "custodian set", s->custodians);
	return SCRIPT_OK;
}

enum script_err script_parse_steps(struct script_parse *p, const struct ynode *root)
{
	const char *names[SCRIPT_ACTION_COUNT];
	const struct script_names actions = {names, SCRIPT_ACTION_COUNT};
	struct script_plan *plan = p->plan;
	const struct ynode *seq;
	unsigned i = 0;

	for (unsigned a = 0; a < SCRIPT_ACTION_COUNT; a++)
		names[a] = script_action_name((enum script_action)a);
	plan->steps = field_section(p, root, "steps", FIELD_REQ, SCRIPT_MAX_STEPS,
				    sizeof(*plan->steps), &seq);
	if (plan->steps == NULL)
		return script_failed(&p->c);
	for (const struct ynode *n = seq->head; n != NULL; n = n->next, i++) {
		plan->steps[i].number = i + 1;
		if (parse_step(p, n, &plan->steps[i], &actions) != SCRIPT_OK)
			return script_failed(&p->c);
	}
	return SCRIPT_OK;
}
