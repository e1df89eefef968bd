/*
 * The table of step actions: one row per enum script_action, saying everything the reader, the
 * rules and the plan queries know of an action (action.h). The public functions on steps are
 * lookups into it.
 */
#include "ceremony/script/action.h"

#include <stdio.h>

#define KEY    ACTION_KEY
#define INPUT  ACTION_INPUT
#define OUTPUT ACTION_OUTPUT
#define SET    ACTION_SET
#define TEXT   ACTION_TEXT

static const struct action table[] = {
    [SCRIPT_ACT_GO_NO_GO] =
	{
	    .name = "go-no-go",
	    .single = true,
	    .before_go = true,
	    .rule = action_rule_go_no_go,
	    .inputs = action_inputs_go_no_go,
	    .text =
		"Go/no-go: air gap, entropy, clock, image and script hashes, self-tests, quorum, "
		"media",
	},
    [SCRIPT_ACT_ATTENDANCE] =
	{
	    .name = "attendance",
	    .single = true,
	    .before_go = true,
	    .text = "Attendance: the identity of every participant checked",
	},
    [SCRIPT_ACT_ENTROPY] =
	{
	    .name = "entropy",
	    .single = true,
	    .rule = action_rule_entropy,
	    .text = "Dice rolls (optional) mixed into the random generator",
	},
    [SCRIPT_ACT_GENERATE_KEY] =
	{
	    .name = "generate-key",
	    .required = KEY,
	    .rule = action_rule_generate_key,
	    .summary = action_summary_generate_key,
	},
    [SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE] =
	{
	    .name = "issue-root-certificate",
	    .required = KEY | OUTPUT,
	    .rule = action_rule_issue_root_certificate,
	    .uses_key = action_uses_issue_root_certificate,
	    .summary = action_summary_issue_root_certificate,
	},
    [SCRIPT_ACT_EXPORT_CSR] =
	{
	    .name = "export-csr",
	    .required = KEY | OUTPUT,
	    .rule = action_rule_export_csr,
	    .summary = action_summary_export_csr,
	},
    [SCRIPT_ACT_SHOW_FINGERPRINTS] =
	{
	    .name = "show-fingerprints",
	    .optional = KEY,
	    .rule = action_rule_show_fingerprints,
	    .uses_key = action_uses_none, /* fingerprints are public values */
	    .summary = action_summary_show_fingerprints,
	},
    [SCRIPT_ACT_SPLIT_SHARES] =
	{
	    .name = "split-shares",
	    .required = KEY,
	    .rule = action_rule_split_shares,
	    .share_set = action_share_set_split_shares,
	    .summary = action_summary_split_shares,
	},
    [SCRIPT_ACT_TEST_RECONSTRUCTION] =
	{
	    .name = "test-reconstruction",
	    .required = KEY,
	    .rule = action_rule_test_reconstruction,
	    .summary = action_summary_test_reconstruction,
	},
    [SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS] =
	{
	    .name = "write-public-outputs",
	    .rule = action_rule_write_public_outputs,
	    .text = "Write the public outputs and SHA256SUMS to their media",
	},
    [SCRIPT_ACT_COLLECT_SHARES] =
	{
	    .name = "collect-shares",
	    .required = KEY,
	    .rule = action_rule_collect_shares,
	    .inputs = action_inputs_collect_shares,
	    .summary = action_summary_collect_shares,
	},
    [SCRIPT_ACT_SIGN_CSR] =
	{
	    .name = "sign-csr",
	    .required = KEY | OUTPUT,
	    .rule = action_rule_sign_csr,
	    .inputs = action_inputs_sign_csr,
	    .uses_key = action_uses_sign_csr,
	    .summary = action_summary_sign_csr,
	},
    [SCRIPT_ACT_SIGN_CRL] =
	{
	    .name = "sign-crl",
	    .required = KEY | OUTPUT,
	    .rule = action_rule_sign_crl,
	    .inputs = action_inputs_sign_crl,
	    .summary = action_summary_sign_crl,
	},
    [SCRIPT_ACT_IMPORT_CERTIFICATE] =
	{
	    .name = "import-certificate",
	    .required = KEY | INPUT,
	    .rule = action_rule_import_certificate,
	    .inputs = action_inputs_import_certificate,
	    .summary = action_summary_import_certificate,
	},
    [SCRIPT_ACT_CONTINGENCY_TEST] =
	{
	    .name = "contingency-test",
	    .required = KEY | INPUT,
	    .rule = action_rule_contingency_test,
	    .inputs = action_inputs_contingency_test,
	    .uses_key = action_uses_contingency_test,
	    .summary = action_summary_contingency_test,
	},
    [SCRIPT_ACT_CONTINGENCY_REPLACE] =
	{
	    .name = "contingency-replace",
	    .required = KEY | OUTPUT,
	    .rule = action_rule_contingency_replace,
	    .inputs = action_inputs_contingency_replace,
	    .uses_key = action_uses_contingency_replace,
	    .summary = action_summary_contingency_replace,
	},
    [SCRIPT_ACT_RESHARE] =
	{
	    .name = "reshare",
	    .required = KEY | SET,
	    .rule = action_rule_reshare,
	    .share_set = action_share_set_reshare,
	    .summary = action_summary_reshare,
	},
    [SCRIPT_ACT_ACKNOWLEDGE] =
	{
	    .name = "acknowledge",
	    .required = TEXT,
	    .before_go = true,
	    .summary = action_summary_acknowledge,
	},
    [SCRIPT_ACT_CLOSE] =
	{
	    .name = "close",
	    .single = true,
	    .text = "Close: secrets wiped, final record, final digest copied",
	},
    [SCRIPT_ACT_RECORD_DECISION] =
	{
	    .name = "record-decision",
	    .required = INPUT,
	    .rule = action_rule_record_decision,
	    .inputs = action_inputs_own_input,
	    .summary = action_summary_record_decision,
	},
    [SCRIPT_ACT_SIGN_PAYLOADS] =
	{
	    .name = "sign-payloads",
	    .required = KEY | INPUT | OUTPUT,
	    .rule = action_rule_sign_payloads,
	    .inputs = action_inputs_own_input,
	    .summary = action_summary_sign_payloads,
	},
    [SCRIPT_ACT_RETIRE_KEY] =
	{
	    .name = "retire-key",
	    .required = KEY | INPUT,
	    .rule = action_rule_retire_key,
	    .inputs = action_inputs_own_input,
	    .uses_key = action_uses_none,
	    .summary = action_summary_retire_key,
	},
};

_Static_assert(sizeof(table) / sizeof(table[0]) == SCRIPT_ACTION_COUNT,
	       "one row per enum script_action");

const struct action *script_action_row(enum script_action action)
{
	return &table[action];
}

const char *script_action_name(enum script_action action)
{
	return (size_t)action < SCRIPT_ACTION_COUNT ? table[action].name : "?";
}

unsigned script_step_inputs(const struct script_plan *plan, const struct script_step *s,
			    const struct script_input **out, unsigned max)
{
	struct input_list l = {out, 0, max};

	if (table[s->action].inputs != NULL)
		table[s->action].inputs(plan, s, &l);
	return l.n;
}

bool script_step_uses_key(const struct script_step *s, const struct script_key *k)
{
	if (s->key == NULL)
		return false;
	if (table[s->action].uses_key != NULL)
		return table[s->action].uses_key(s->key, k);
	return s->key == k;
}

const struct script_custodian_set *script_step_share_set(const struct script_step *s)
{
	if (table[s->action].share_set != NULL)
		return table[s->action].share_set(s);
	return NULL;
}

static int set_phrase(const struct script_custodian_set *set, char *out, size_t outlen)
{
	int n;

	if (set->group_count == 1)
		n = snprintf(out, outlen, "%u shares, %u needed", set->share_count,
			     set->groups[0].threshold);
	else
		n = snprintf(out, outlen, "%u shares in %u groups, %u groups needed",
			     set->share_count, set->group_count, set->group_threshold);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int script_step_summary(const struct script_step *s, char *out, size_t outlen)
{
	const struct action *a = &table[s->action];
	const struct script_custodian_set *shares = script_step_share_set(s);
	char set[64] = "", dest[SCRIPT_ID_MAX + SCRIPT_FILE_MAX + 8] = "";
	struct summary_parts sp = {s->key != NULL ? s->key->id : "", dest, set};
	int n;

	if (s->output != NULL)
		snprintf(dest, sizeof(dest), "%s/%s", s->output->medium->id, s->output->file);
	if (shares != NULL && set_phrase(shares, set, sizeof(set)) != 0)
		return -1;
	if (a->summary != NULL)
		n = a->summary(s, &sp, out, outlen);
	else
		n = snprintf(out, outlen, "%s", a->text);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
