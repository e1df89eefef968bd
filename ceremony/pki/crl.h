/*
 * CRLs signed by a CA the appliance holds (the SMKI Root, a generic CA): version 2, the
 * revoked serials with their reasons and dates, thisUpdate/nextUpdate, cRLNumber and
 * authorityKeyIdentifier. Linted after signing (smki-crl or generic-crl, re-parsed from DER);
 * a violation returns PKI_E_LINT with the findings in *lint (initialised here; may be NULL)
 * and no CRL. Times are injected.
 */
#ifndef CEREMONY_PKI_CRL_H
#define CEREMONY_PKI_CRL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ceremony/pki/err.h"
#include "ceremony/pki/lint.h"
#include "ceremony/pki/profile.h"

#define PKI_CRL_REASON_NONE (-1) /* no reasonCode entry extension (rather than unspecified) */
#define PKI_CRL_SERIAL_MAX  20
#define PKI_CRL_ENTRIES_MAX 10000

struct pki_revoked {
	const uint8_t *serial; /* big-endian magnitude, 1..20 octets, no leading zero octet */
	size_t serial_len;
	int64_t date; /* revocationDate, not after this_update */
	int reason;   /* RFC 5280 CRLReason code, or PKI_CRL_REASON_NONE */
};

struct pki_crl_params {
	int64_t this_update;
	int64_t next_update; /* after this_update */
	uint64_t number;     /* cRLNumber */
	const struct pki_revoked *revoked;
	size_t nrevoked; /* each serial once */
	int rehearsal;	 /* the issuer is a rehearsal CA (lint notices instead of errors) */
};

/* An RFC 5280 reason name ("keyCompromise", "cACompromise", "affiliationChanged",
 * "superseded", "cessationOfOperation", "certificateHold", "privilegeWithdrawn",
 * "aACompromise") to its code; "none" to PKI_CRL_REASON_NONE. PKI_E_ARG otherwise. */
enum pki_err pki_crl_reason_from_name(const char *name, int *reason);

/* A CRL for profile (smki-crl or generic-crl) signed by key, which must match issuer. */
enum pki_err pki_crl_sign(EVP_PKEY *key, X509 *issuer, enum pki_profile profile,
			  const struct pki_crl_params *p, X509_CRL **out, struct pki_lint *lint);

#endif
