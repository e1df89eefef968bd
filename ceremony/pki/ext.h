/*
 * X.509 extensions the builders add and the lint rules recompute: key identifiers (RFC 5280
 * 4.2.1.2), basicConstraints, keyUsage, certificatePolicies, nameConstraints. All public.
 */
#ifndef CEREMONY_PKI_EXT_H
#define CEREMONY_PKI_EXT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ceremony/pki/err.h"

#define PKI_SKI_MAX	   20
#define PKI_POLICY_OID_MAX 128 /* longest dotted policy OID accepted, in characters */
#define PKI_NC_MAX	   253 /* longest name-constraint value, in characters */

/* The key identifier of a public key by RFC 5280 4.2.1.2: method 1 is the 20-octet SHA-1 of the
 * subjectPublicKey BIT STRING value; method 2 is 8 octets, the four bits 0100 followed by the
 * least significant 60 bits of that hash (the SMKI form). */
enum pki_err pki_ski_compute(const X509_PUBKEY *pub, int method, uint8_t out[PKI_SKI_MAX],
			     size_t *len);

/* A policy OID from strict dotted-decimal text ("1.2.826.0.1.8641679.1.2.1.4"): at least two
 * arcs, first arc 0..2, no leading zeros, no empty arcs. PKI_E_OID otherwise. */
enum pki_err pki_policy_oid(const char *text, ASN1_OBJECT **out);

/* The extensions a builder adds, each once, to a certificate being built. */
enum pki_err pki_ext_add_bc(X509 *x, int path_len);	/* cA TRUE, critical; path_len < 0: none */
enum pki_err pki_ext_add_ku(X509 *x, unsigned ku_bits); /* PKI_KU_* bits, critical */
enum pki_err pki_ext_add_policies(X509 *x, const char *const *oids, size_t n, int critical);
enum pki_err pki_ext_add_ski(X509 *x, int method); /* from the certificate's own public key */
/* authorityKeyIdentifier with keyIdentifier only, copied from the issuer's SKI. */
enum pki_err pki_ext_add_aki(X509 *x, X509 *issuer);
/* nameConstraints, critical, from "DNS:example.com", "email:example.com", "URI:.example.com"
 * or "IP:192.0.2.0/255.255.255.0" strings (PKI_E_CONSTRAINT for anything else). */
enum pki_err pki_ext_add_nc(X509 *x, const char *const *permitted, size_t npermitted,
			    const char *const *excluded, size_t nexcluded);

/* A keyUsage BIT STRING with the PKI_KU_* bits of the first octet set; NULL when out of
 * memory. */
ASN1_BIT_STRING *pki_ku_new(unsigned ku_bits);
/* The keyUsage bits (PKI_KU_*) of a keyUsage BIT STRING. */
unsigned pki_ku_bits(const ASN1_BIT_STRING *ku);

#endif
