/*
 * Certificate requests the appliance makes for its own keys: the SMKI Recovery CSR (subject
 * OU=01 plus the 8-octet entity identifier as x500UniqueIdentifier, keyUsage digitalSignature
 * requested) and CA requests (smki-issuing-csr, generic-csr: basicConstraints cA and keyUsage
 * keyCertSign, cRLSign requested). Each request is linted after signing, re-parsed from its
 * DER; a violation returns PKI_E_LINT with the findings in *lint (initialised here; may be
 * NULL) and no request.
 */
#ifndef CEREMONY_PKI_CSR_H
#define CEREMONY_PKI_CSR_H

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ceremony/pki/err.h"
#include "ceremony/pki/lint.h"
#include "ceremony/pki/name.h"
#include "ceremony/pki/profile.h"

struct pki_csr_params {
	const char *subject;	  /* subject string (name.h) */
	const uint8_t *entity_id; /* PKI_ENTITY_ID_LEN octets, appended as x500UniqueIdentifier
				     when the profile has one (smki-recovery-csr); else NULL */
	int rehearsal;		  /* mark the subject's CN (name.h) */
};

/* A request signed by key for a CSR profile (smki-recovery-csr, smki-issuing-csr,
 * generic-csr). PKI_E_ARG for another profile or an entity id given where the profile has
 * none, or missing where it needs one. */
enum pki_err pki_csr_build(EVP_PKEY *key, enum pki_profile profile, const struct pki_csr_params *p,
			   X509_REQ **out, struct pki_lint *lint);

/* The SMKI Recovery CSR: pki_csr_build with smki-recovery-csr. */
enum pki_err pki_csr_smki_recovery(EVP_PKEY *key, const uint8_t entity_id[PKI_ENTITY_ID_LEN],
				   const char *subject, int rehearsal, X509_REQ **out,
				   struct pki_lint *lint);

#endif
