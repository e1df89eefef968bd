/*
 * Certificates the appliance issues, by profile (profile.h): the SMKI Root (with the wrapped
 * contingency key; also the replacement Root signed by the Contingency key), the SMKI Issuing
 * CA from a CSR, generic roots and subordinate CAs; and the checks on certificates that come
 * back (the Recovery certificate, chains).
 *
 * Every builder lints before signing (the CSR, then the to-be-signed certificate) and after
 * (the signed certificate, re-parsed from its DER). A violation returns PKI_E_LINT with the
 * broken rules in *lint, and nothing is signed or returned. lint may be NULL when the caller
 * does not want the findings (notices included). Times are injected: the builders never read
 * the clock. Serials are 16 octets from OpenSSL's RAND: first octet 0x01..0x7F, 0x52 ('R')
 * exactly for rehearsal certificates, whose subject CN is also marked (name.h).
 *
 * Private keys are only used to sign; they are never copied.
 */
#ifndef CEREMONY_PKI_CERT_H
#define CEREMONY_PKI_CERT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ceremony/pki/err.h"
#include "ceremony/pki/lint.h"
#include "ceremony/pki/name.h"
#include "ceremony/pki/wrap.h"

#define PKI_SERIAL_LEN	     16
#define PKI_REHEARSAL_SERIAL 0x52
#define PKI_POLICIES_MAX     16
#define PKI_CONSTRAINTS_MAX  32

/* Seconds since the epoch, UTC. 1950-01-01 <= not_before < not_after < 10000-01-01. */
struct pki_validity {
	int64_t not_before;
	int64_t not_after;
};

/* PKI_OK when v is within those bounds, PKI_E_TIME otherwise. */
enum pki_err pki_validity_check(const struct pki_validity *v);
/* not_before + days. PKI_E_TIME out of range. */
enum pki_err pki_validity_days(int64_t not_before, uint32_t days, struct pki_validity *out);

struct pki_cert_params {
	const char *subject; /* subject string (name.h); NULL: the CSR's subject */
	struct pki_validity validity;
	const char *const *policies; /* dotted policy OIDs; SMKI needs at least one */
	size_t npolicies;
	/* Generic profiles only: pathLenConstraint (PKI_PATHLEN_ABSENT for none) and name
	 * constraints (ext.h forms). The SMKI builders fix pathLen and refuse constraints. */
	int path_len;
	const char *const *permitted;
	size_t npermitted;
	const char *const *excluded;
	size_t nexcluded;
	int rehearsal; /* mark subject and serial as a rehearsal's */
};

/* The wrapped contingency key of an SMKI Root. */
struct pki_contin_params {
	const uint8_t *spki; /* the Contingency public key, DER SubjectPublicKeyInfo */
	size_t spki_len;
	const uint8_t *symkey; /* the Contingency Symmetric Key: secret, only read */
	size_t symkey_len;     /* pki_wrap_alg_keylen(alg) */
	enum pki_wrap_alg alg;
};

/* The SMKI Root for root_key (P-256), carrying c's wrapped key. signer NULL: self-signed.
 * signer set: the contingency replacement Root, signed by the (old) Contingency private key;
 * the lint after signing then checks the signature with signer. */
enum pki_err pki_cert_smki_root(EVP_PKEY *root_key, EVP_PKEY *signer,
				const struct pki_cert_params *p, const struct pki_contin_params *c,
				X509 **out, struct pki_lint *lint);

/* The SMKI Issuing CA certificate for csr (linted as smki-issuing-csr first), signed with
 * root_key, which must match root. Subject p->subject, or the CSR's when NULL. */
enum pki_err pki_cert_smki_issuing(EVP_PKEY *root_key, X509 *root, X509_REQ *csr,
				   const struct pki_cert_params *p, X509 **out,
				   struct pki_lint *lint);

/* A generic self-signed root CA (p->subject required). */
enum pki_err pki_cert_generic_root(EVP_PKEY *key, const struct pki_cert_params *p, X509 **out,
				   struct pki_lint *lint);

/* A generic subordinate CA for csr (linted as generic-csr), signed with issuer_key, which
 * must match issuer. */
enum pki_err pki_cert_generic_sub(EVP_PKEY *issuer_key, X509 *issuer, X509_REQ *csr,
				  const struct pki_cert_params *p, X509 **out,
				  struct pki_lint *lint);

/* Chain verification by OpenSSL (X509_V_FLAG_X509_STRICT) at time now: leaf, through
 * intermediate (may be NULL), to root as the only trust anchor. PKI_E_CHAIN on failure. */
enum pki_err pki_chain_verify(X509 *leaf, X509 *intermediate, X509 *root, int64_t now);

/* Import of the Recovery certificate the DCC issued from the Recovery CSR: it must be for key
 * (pki_key_matches), carry entity_id, satisfy smki-recovery with issuing as issuer, and chain
 * through issuing to root at now. PKI_E_KEY_MISMATCH, PKI_E_ENTITY_ID, PKI_E_LINT or
 * PKI_E_CHAIN otherwise. */
enum pki_err pki_smki_recovery_import(EVP_PKEY *key, const uint8_t entity_id[PKI_ENTITY_ID_LEN],
				      X509 *cert, X509 *issuing, X509 *root, int64_t now,
				      struct pki_lint *lint);

/* The certificate's public key as SPKI DER into out[max] (for pki_key_matches). */
enum pki_err pki_cert_spki(X509 *cert, uint8_t *out, size_t max, size_t *len);

#endif
