/*
 * Profiles: what a certificate, CSR or CRL of each kind must look like, as data that the lint
 * rules (lint.h) read. docs/profiles.md states every profile and rule in prose.
 */
#ifndef CEREMONY_PKI_PROFILE_H
#define CEREMONY_PKI_PROFILE_H

#include "ceremony/pki/err.h"

enum pki_profile {
	PKI_PROFILE_SMKI_ROOT,	      /* "smki-root" */
	PKI_PROFILE_SMKI_ISSUING,     /* "smki-issuing" */
	PKI_PROFILE_SMKI_RECOVERY,    /* "smki-recovery": the Recovery certificate the DCC issues */
	PKI_PROFILE_SMKI_ISSUING_CSR, /* "smki-issuing-csr" */
	PKI_PROFILE_SMKI_RECOVERY_CSR, /* "smki-recovery-csr" */
	PKI_PROFILE_SMKI_CRL,	       /* "smki-crl": a CRL signed by the SMKI Root */
	PKI_PROFILE_GENERIC_ROOT,      /* "generic-root" */
	PKI_PROFILE_GENERIC_SUB,       /* "generic-sub" */
	PKI_PROFILE_GENERIC_CSR,       /* "generic-csr": a CA's certificate request */
	PKI_PROFILE_GENERIC_CRL,       /* "generic-crl" */
};
#define PKI_PROFILE_COUNT 10

enum pki_profile_kind { PKI_KIND_CERT, PKI_KIND_CSR, PKI_KIND_CRL };

/* Extensions, as bits of the allowed and required sets. */
#define PKI_EXT_BC	   (1u << 0) /* basicConstraints */
#define PKI_EXT_KU	   (1u << 1) /* keyUsage */
#define PKI_EXT_CP	   (1u << 2) /* certificatePolicies */
#define PKI_EXT_SKI	   (1u << 3) /* subjectKeyIdentifier */
#define PKI_EXT_AKI	   (1u << 4) /* authorityKeyIdentifier */
#define PKI_EXT_NC	   (1u << 5) /* nameConstraints */
#define PKI_EXT_CONTIN	   (1u << 6) /* id-pe-wrappedApexContinKey */
#define PKI_EXT_CRL_NUMBER (1u << 7) /* cRLNumber */

/* keyUsage bits, as OpenSSL's X509_get_key_usage() reports them. */
#define PKI_KU_DIGITAL_SIGNATURE 0x0080u
#define PKI_KU_KEY_CERT_SIGN	 0x0004u
#define PKI_KU_CRL_SIGN		 0x0002u

#define PKI_PATHLEN_ABSENT (-1) /* pathLenConstraint must be absent */
#define PKI_PATHLEN_ANY	   (-2) /* pathLenConstraint is the script's choice */

/* SMKI subject roles (the OU), two upper-case hex digits. */
#define PKI_ROLE_ROOT	  0x00
#define PKI_ROLE_RECOVERY 0x01
#define PKI_ROLE_ISSUING  0x07
#define PKI_ROLE_NONE	  (-1)

struct pki_profile_def {
	const char *name;
	const char *summary;
	enum pki_profile_kind kind;
	int smki;	 /* SMKI keys and signatures: P-256, ecdsa-with-SHA256; SMKI subjects */
	int role;	 /* the subject's OU role code, or PKI_ROLE_NONE */
	int entity_id;	 /* the subject carries the 8-octet x500UniqueIdentifier */
	int self_signed; /* a root: issuer = subject, signed by its own key */
	int ca;		 /* basicConstraints cA TRUE, critical */
	int path_len;	 /* the pathLenConstraint required, or PKI_PATHLEN_* */
	unsigned ku_required;  /* keyUsage bits that must be set */
	unsigned ku_allowed;   /* keyUsage bits that may be set */
	unsigned ext_allowed;  /* extensions (CSRs: requested extensions) that may appear */
	unsigned ext_required; /* extensions that must appear */
	int ski_method;	       /* RFC 5280 4.2.1.2 method of the subjectKeyIdentifier: 1, 2 */
	int policies_critical; /* certificatePolicies must be critical */
	int serial_octets;     /* the serial's exact length in octets, or 0 */
	int marked_serial;     /* issued by the appliance: the serial carries the rehearsal mark */
};

/* The definition of a profile; NULL for a value outside the enum. */
const struct pki_profile_def *pki_profile_get(enum pki_profile profile);
/* A profile by its name ("smki-root", ...); PKI_E_ARG for an unknown name. */
enum pki_err pki_profile_from_name(const char *name, enum pki_profile *profile);

#endif
