/*
 * Actions that frame the ceremony: go-no-go, attendance, entropy, write-public-outputs,
 * acknowledge, close. Their rows are in action.c.
 */
#include "ceremony/script/action.h"

#include <stdio.h>
#include <string.h>

enum script_err action_rule_go_no_go(struct script_ctx *c, const struct action *a,
				     const struct script_step *s, struct progress *pr)
{
	(void)a;
	if (!pr->count[SCRIPT_ACT_ATTENDANCE])
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "attendance comes before go-no-go (its quorum check counts "
				   "who is present)");
	return SCRIPT_OK;
}

/* The final digests of earlier ceremonies this one continues. */
void action_inputs_go_no_go(const struct script_plan *plan, const struct script_step *s,
			    struct input_list *l)
{
	(void)s;
	for (unsigned i = 0; i < plan->input_count; i++)
		if (plan->inputs[i].type == SCRIPT_INPUT_TRANSCRIPT_DIGEST)
			action_add_input(l, &plan->inputs[i]);
}

enum script_err action_rule_entropy(struct script_ctx *c, const struct action *a,
				    const struct script_step *s, struct progress *pr)
{
	(void)a;
	if (pr->count[SCRIPT_ACT_GENERATE_KEY])
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "entropy comes before the first generate-key step");
	return SCRIPT_OK;
}

enum script_err action_rule_write_public_outputs(struct script_ctx *c, const struct action *a,
						 const struct script_step *s, struct progress *pr)
{
	(void)a;
	(void)c;
	pr->last_write = s->number;
	return SCRIPT_OK;
}

int action_summary_acknowledge(const struct script_step *s, const struct summary_parts *sp,
			       char *out, size_t outlen)
{
	(void)sp;
	return snprintf(out, outlen, "Confirm: %.*s", (int)strcspn(s->text, "\n"), s->text);
}
