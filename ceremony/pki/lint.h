/*
 * Lint: checks a certificate, CSR or CRL against a profile (profile.h), rule by rule, and
 * reports every broken rule by its stable id ("smki.ski", "csr.signature", ...). The rules and
 * their ids are listed in docs/profiles.md and by pki_lint_rules(). Nothing here is secret.
 *
 * Lint never stops at the first problem: a report holds every finding (up to PKI_LINT_MAX).
 * Findings are errors (the object breaks the profile) or notices (something a reader should
 * know that does not break it: a rehearsal mark, a check that needed an issuer not given).
 */
#ifndef CEREMONY_PKI_LINT_H
#define CEREMONY_PKI_LINT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "ceremony/pki/err.h"
#include "ceremony/pki/parse.h"
#include "ceremony/pki/profile.h"

#define PKI_LINT_MAX	48
#define PKI_LINT_DETAIL 112

struct pki_rule {
	const char *id;	  /* stable: scripts, tests and auditors refer to it */
	const char *text; /* what the rule requires */
};

enum pki_severity { PKI_SEV_ERROR, PKI_SEV_NOTICE };

struct pki_finding {
	const struct pki_rule *rule;
	enum pki_severity severity;
	char detail[PKI_LINT_DETAIL]; /* what was found, printable ASCII; may be empty */
};

struct pki_lint {
	size_t count;
	size_t errors;
	int truncated; /* more findings than PKI_LINT_MAX: the rest were dropped */
	struct pki_finding findings[PKI_LINT_MAX];
};

/* Flags for struct pki_lint_ctx. */
#define PKI_LINT_UNSIGNED	  0x1u /* a to-be-signed certificate: skip signature rules */
#define PKI_LINT_PRODUCTION	  0x2u /* a rehearsal mark is an error, not a notice */
#define PKI_LINT_SUBJECT_OVERRIDE 0x4u /* a CSR whose subject the script replaces */

struct pki_lint_ctx {
	enum pki_profile profile;
	unsigned flags;
	X509 *issuer;	  /* the issuing CA, when known (not for self-signed profiles) */
	EVP_PKEY *signer; /* checks the signature with this key instead (a Root signed by the
			     Contingency key); NULL normally */
};

void pki_lint_init(struct pki_lint *report);

/* Each appends its findings to report (initialise it first). */
void pki_lint_cert(X509 *cert, const struct pki_lint_ctx *ctx, struct pki_lint *report);
void pki_lint_csr(X509_REQ *csr, const struct pki_lint_ctx *ctx, struct pki_lint *report);
void pki_lint_crl(X509_CRL *crl, const struct pki_lint_ctx *ctx, struct pki_lint *report);
/* Dispatches on the object's type; PKI_E_TYPE when the profile is for another kind. */
enum pki_err pki_lint_obj(const struct pki_obj *obj, const struct pki_lint_ctx *ctx,
			  struct pki_lint *report);

/* 1 when the report holds no error. */
int pki_lint_passed(const struct pki_lint *report);
/* 1 when the report holds a finding (error or notice) of the rule with this id. */
int pki_lint_has(const struct pki_lint *report, const char *rule_id);

/* The table of every rule; returns its length. */
size_t pki_lint_rules(const struct pki_rule **rules);

#endif
