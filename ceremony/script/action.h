/*
 * The step actions, private to the script reader: one row per action in a table indexed by
 * enum script_action (action.c), and the small functions of each action, in files by family
 * (action_session.c, action_keys.c, action_certs.c, action_contingency.c) over the helpers they
 * share (action_util.c). Adding an action to the plan means its value in enum script_action
 * (script.h), its row here and its small functions; no switch to extend. (The engine's handlers
 * and the people layer's prompts have tables of their own.)
 *
 * Order (script_impl.h): action_util.c < action_<family>.c < action.c; all of them use only
 * the modules up to script_plan.c.
 */
#ifndef CEREMONY_SCRIPT_ACTION_H
#define CEREMONY_SCRIPT_ACTION_H

#include <stdbool.h>
#include <stddef.h>

#include "ceremony/script/script.h"
#include "ceremony/script/script_impl.h"

/* Step fields an action takes (docs/script.md, "Steps"). */
#define ACTION_KEY    1u
#define ACTION_INPUT  2u
#define ACTION_OUTPUT 4u
#define ACTION_SET    8u
#define ACTION_TEXT   16u

/* What has happened to each key and output by a given step (step numbers, 0 = not yet), while
 * the rules walk the steps in order (script_rules.c). */
struct progress {
	unsigned generated[SCRIPT_MAX_KEYS], collected[SCRIPT_MAX_KEYS];
	unsigned split[SCRIPT_MAX_KEYS], tested[SCRIPT_MAX_KEYS];
	unsigned certified[SCRIPT_MAX_KEYS], csr[SCRIPT_MAX_KEYS], reshared[SCRIPT_MAX_KEYS];
	unsigned produced[SCRIPT_MAX_OUTPUTS];
	unsigned count[SCRIPT_ACTION_COUNT];
	unsigned last_producer, last_write;
	unsigned decided; /* the first record-decision step */
};

/* The inputs a step reads, without repeats, at most max (script_step_inputs). */
struct input_list {
	const struct script_input **out;
	unsigned n, max;
};

/* What a summary names besides the step's fields: the key's id ("" without a key), the output's
 * place ("medium/file", or ""), the phrase for the set that receives shares (or ""). */
struct summary_parts {
	const char *kid;
	const char *dest;
	const char *set;
};

/* One row of the table. NULL functions are the defaults noted. */
struct action {
	const char *name;	     /* as written in scripts */
	unsigned required, optional; /* ACTION_* fields of the step */
	bool single;		     /* a ceremony has at most one */
	bool before_go;		     /* may come before the go-no-go step */
	/* Its own rule, after the common ones (script_rules.c), in step order. NULL: none. */
	enum script_err (*rule)(struct script_ctx *c, const struct action *a,
				const struct script_step *s, struct progress *pr);
	/* Adds the inputs the step reads, in order (script_step_inputs). NULL: none. */
	void (*inputs)(const struct script_plan *plan, const struct script_step *s,
		       struct input_list *l);
	/* Whether a step with key own needs the private part of k. NULL: k is own. */
	bool (*uses_key)(const struct script_key *own, const struct script_key *k);
	/* The set whose shares the step writes. NULL: none. */
	const struct script_custodian_set *(*share_set)(const struct script_step *s);
	/* Its summary: text when fixed, else what summary writes (returning snprintf's value). */
	const char *text;
	int (*summary)(const struct script_step *s, const struct summary_parts *sp, char *out,
		       size_t outlen);
};

/* The row of an action of a plan (always in range). */
const struct action *script_action_row(enum script_action action);

/* ---- shared by the action functions (action_util.c) --------------------------------------- */

/* The rule failures every family words the same way. Each returns SCRIPT_OK when the condition
 * holds, else records the error. */
enum script_err action_need_secret(struct script_ctx *c, const struct script_step *s,
				   const struct progress *pr, const struct script_key *k);
enum script_err action_need_output(struct script_ctx *c, const struct script_step *s,
				   struct progress *pr, enum script_output_type type,
				   const struct script_key *k);
enum script_err action_need_origin(struct script_ctx *c, const struct action *a,
				   const struct script_step *s, const struct script_key *k,
				   enum script_origin origin);
enum script_err action_need_kind(struct script_ctx *c, const struct action *a,
				 const struct script_step *s, const struct script_key *k, bool ok);
/* A certificate made here needs a validity. */
enum script_err action_certifiable(struct script_ctx *c, const struct script_step *s,
				   const struct script_key *k);
/* Marks the step's key done in *slot (done: "generated", "split" ...), once only. */
enum script_err action_once(struct script_ctx *c, const struct script_step *s, unsigned *slot,
			    const char *done);

/* Whether k and the symmetric key that wraps it are generated, when a root carries k. */
bool action_apex_ready(const struct progress *pr, const struct script_key *root);
/* Whether k is the contingency key a root carries, or the key that wraps it. */
bool action_carries(const struct script_key *root, const struct script_key *k);

/* Adds in (ignoring NULL and repeats). */
void action_add_input(struct input_list *l, const struct script_input *in);
/* Adds a key's certificate with its issuers' before it, Root first. */
void action_add_chain(struct input_list *l, const struct script_key *k);

/* ---- the functions of each action, by family (the table's cells) ------------------------- */

#define ACTION_RULE(name)                                                                          \
	enum script_err action_rule_##name(struct script_ctx *c, const struct action *a,           \
					   const struct script_step *s, struct progress *pr)
#define ACTION_INPUTS(name)                                                                        \
	void action_inputs_##name(const struct script_plan *plan, const struct script_step *s,     \
				  struct input_list *l)
#define ACTION_USES(name)                                                                          \
	bool action_uses_##name(const struct script_key *own, const struct script_key *k)
#define ACTION_SHARE_SET(name)                                                                     \
	const struct script_custodian_set *action_share_set_##name(const struct script_step *s)
#define ACTION_SUMMARY(name)                                                                       \
	int action_summary_##name(const struct script_step *s, const struct summary_parts *sp,     \
				  char *out, size_t outlen)

/* action_session.c */
ACTION_RULE(go_no_go);
ACTION_INPUTS(go_no_go);
ACTION_RULE(entropy);
ACTION_RULE(write_public_outputs);
ACTION_SUMMARY(acknowledge);

/* action_keys.c */
ACTION_RULE(generate_key);
ACTION_SUMMARY(generate_key);
ACTION_RULE(show_fingerprints);
ACTION_SUMMARY(show_fingerprints);
ACTION_RULE(split_shares);
ACTION_SHARE_SET(split_shares);
ACTION_SUMMARY(split_shares);
ACTION_RULE(test_reconstruction);
ACTION_SUMMARY(test_reconstruction);
ACTION_RULE(collect_shares);
ACTION_INPUTS(collect_shares);
ACTION_SUMMARY(collect_shares);
ACTION_RULE(reshare);
ACTION_SHARE_SET(reshare);
ACTION_SUMMARY(reshare);

/* action_certs.c */
ACTION_RULE(issue_root_certificate);
ACTION_USES(issue_root_certificate);
ACTION_SUMMARY(issue_root_certificate);
ACTION_RULE(export_csr);
ACTION_SUMMARY(export_csr);
ACTION_RULE(sign_csr);
ACTION_INPUTS(sign_csr);
ACTION_USES(sign_csr);
ACTION_SUMMARY(sign_csr);
ACTION_RULE(sign_crl);
ACTION_INPUTS(sign_crl);
ACTION_SUMMARY(sign_crl);
ACTION_RULE(import_certificate);
ACTION_INPUTS(import_certificate);
ACTION_SUMMARY(import_certificate);

/* action_contingency.c */
ACTION_RULE(contingency_test);
ACTION_INPUTS(contingency_test);
ACTION_USES(contingency_test);
ACTION_SUMMARY(contingency_test);
ACTION_RULE(contingency_replace);
ACTION_INPUTS(contingency_replace);
ACTION_USES(contingency_replace);
ACTION_SUMMARY(contingency_replace);

/* action_recovery.c */
ACTION_RULE(record_decision);
ACTION_INPUTS(own_input);
ACTION_SUMMARY(record_decision);
ACTION_RULE(sign_payloads);
ACTION_SUMMARY(sign_payloads);
ACTION_RULE(retire_key);
ACTION_USES(none); /* steps that use no key secret: show-fingerprints, the recovery ones */
ACTION_SUMMARY(retire_key);

#endif
