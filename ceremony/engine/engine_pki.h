/*
 * The engine's PKI glue: the PKI library's algorithm for a script's, the reason a lint report
 * failed, the parameters of a certificate from the script, and a certificate once issued
 * (kept, shown, written, recorded).
 *
 * Secret inputs: engine_contin_params copies pointers to a held Symmetric Key (sk->secret) into
 * the wrap parameters; they stay the key's and are wiped with it. Everything else here is
 * public.
 *
 * After a failure: the functions returning a step_rc set e->reason. engine_issued takes cert and
 * extra whatever happens: extra is freed, and cert either freed or kept as the key's certificate
 * (which the run loop frees).
 */
#ifndef CEREMONY_ENGINE_PKI_H
#define CEREMONY_ENGINE_PKI_H

#include "ceremony/engine/engine_state.h"

/* The PKI library's algorithm for a script algorithm; -1 for a symmetric one. */
int engine_pki_alg(enum script_algorithm a, enum pki_alg *out);

/* The first broken rule of a failed lint report, with its detail, into out; returns out. */
const char *engine_lint_reason(const struct pki_lint *l, char *out, size_t outlen);

struct engine_cert_params {
	struct pki_cert_params p;
	char nc[2 * SCRIPT_MAX_CONSTRAINTS][PKI_NC_MAX + 48];
	const char *permitted[SCRIPT_MAX_CONSTRAINTS], *excluded[SCRIPT_MAX_CONSTRAINTS];
	char subject[PKI_NAME_TEXT_MAX]; /* a subject kept from an old certificate */
};
/* The parameters of a certificate for key sk from the script: subject, validity from now,
 * policies, path length, name constraints, the rehearsal mark. */
enum step_rc engine_cert_params(struct engine *e, const struct script_key *sk,
				struct engine_cert_params *cp);
/* The parameters of a new certificate for a Root rebuilt from shares (engine_recovery.c): the
 * script's subject and validity, or where it gives none, those of the Root's current
 * certificate (docs/profiles.md 4.1); the script's policies. */
enum step_rc engine_recert_params(struct engine *e, const struct script_key *sk,
				  struct engine_cert_params *cp);
/* now + v by the calendar (25 years from 29 February is 1 March). Returns 0, or -1 when out of
 * range. */
int engine_validity(const struct script_validity *v, int64_t now, struct pki_validity *out);
/* The wrapped Contingency key of a Root: ck's public key under sk's key (both held). */
void engine_contin_params(const struct engine_key *ck, const struct engine_key *sk,
			  struct pki_contin_params *c);
/* Writes obj as PEM to out's medium and gives the file's SHA-256. */
enum step_rc engine_write_pem(struct engine *e, const struct script_output *out,
			      const struct pki_obj *obj, uint8_t sha[32]);
/* A certificate for step s's key, just signed by issuer (cert is taken over): kept, shown,
 * written to the step's output and recorded (certificate-issued, with extra's fields). */
enum step_rc engine_issued(struct engine *e, const struct script_step *s, X509 *cert,
			   const char *issuer, const char *profile, json_t *extra);
/* The step result for a failed PKI build: its error and first broken lint rule. */
enum step_rc engine_cert_failed(struct engine *e, const char *what, enum pki_err err,
				const struct pki_lint *lint);

#endif
