/*
 * The step handlers, one family per file: engine_prep.c (attendance, go/no-go, entropy,
 * acknowledgements, fingerprints), engine_keys.c (keys, the Root certificate, CSRs, public
 * outputs), engine_shares.c (splitting, test reconstruction), engine_collect.c (rebuilding a
 * key from custodians' shares), engine_sign.c (CSRs, CRLs, certificate import),
 * engine_contingency.c (the contingency test and replacement), engine_reshare.c, engine_close.c.
 * The run loop (engine.c) calls them through its table of step actions, and nothing else does.
 *
 * Secret inputs: whatever the step makes or rebuilds, kept in struct engine_key only.
 *
 * After a failure: a handler returns a step_rc other than STEP_OK with e->reason set; secrets
 * it made are in e->keys (or already wiped), and the run loop wipes them and aborts.
 */
#ifndef CEREMONY_ENGINE_STEPS_H
#define CEREMONY_ENGINE_STEPS_H

#include "ceremony/engine/engine_state.h"

typedef enum step_rc (*step_fn)(struct engine *e, const struct script_step *s);

enum step_rc engine_step_attendance(struct engine *e, const struct script_step *s);
enum step_rc engine_step_go(struct engine *e, const struct script_step *s);
enum step_rc engine_step_entropy(struct engine *e, const struct script_step *s);
enum step_rc engine_step_acknowledge(struct engine *e, const struct script_step *s);
enum step_rc engine_step_fingerprints(struct engine *e, const struct script_step *s);
enum step_rc engine_step_generate(struct engine *e, const struct script_step *s);
enum step_rc engine_step_root_cert(struct engine *e, const struct script_step *s);
enum step_rc engine_step_export_csr(struct engine *e, const struct script_step *s);
enum step_rc engine_step_publish(struct engine *e, const struct script_step *s);
enum step_rc engine_step_split(struct engine *e, const struct script_step *s);
enum step_rc engine_step_test(struct engine *e, const struct script_step *s);
enum step_rc engine_step_close(struct engine *e, const struct script_step *s);
enum step_rc engine_step_collect(struct engine *e, const struct script_step *s);
enum step_rc engine_step_sign_csr(struct engine *e, const struct script_step *s);
enum step_rc engine_step_sign_crl(struct engine *e, const struct script_step *s);
enum step_rc engine_step_import(struct engine *e, const struct script_step *s);
enum step_rc engine_step_contingency_test(struct engine *e, const struct script_step *s);
enum step_rc engine_step_contingency_replace(struct engine *e, const struct script_step *s);
enum step_rc engine_step_reshare(struct engine *e, const struct script_step *s);
enum step_rc engine_step_record_decision(struct engine *e, const struct script_step *s);
enum step_rc engine_step_sign_payloads(struct engine *e, const struct script_step *s);
enum step_rc engine_step_retire_key(struct engine *e, const struct script_step *s);

/* Asks every participant the step's actor covers to confirm question, recorded as event; a "no"
 * stops the ceremony (engine_prep.c). */
enum step_rc engine_confirm_each(struct engine *e, const struct script_step *s,
				 const char *question, const char *event);

/* A key this ceremony rebuilds that an earlier ceremony's transcript, read here, retired (by
 * name and ceremony, or by fingerprint): refused before any share is asked (engine_recovery.c). */
enum step_rc engine_refuse_retired(struct engine *e, const struct engine_key *k);

/* Shares (engine_shares.c), for the reshare: splits k's secret to set, one share to each
 * holder. */
enum step_rc engine_split_to(struct engine *e, const struct script_step *s, struct engine_key *k,
			     const struct script_custodian_set *set);

#endif
