/*
 * The PKI engine's error codes, shared by every ceremony/pki module. PKI_OK is 0; every other
 * value names what went wrong. Profile violations are PKI_ERR_LINT, with the broken rules in the
 * caller's struct pki_lint (lint.h).
 */
#ifndef CEREMONY_PKI_ERR_H
#define CEREMONY_PKI_ERR_H

enum pki_err {
	PKI_OK = 0,
	PKI_ERR_ARG,	      /* a caller passed an invalid argument */
	PKI_ERR_NOMEM,	      /* an allocation failed */
	PKI_ERR_CRYPTO,	      /* an OpenSSL operation failed unexpectedly */
	PKI_ERR_RANDOM,	      /* the random generator failed */
	PKI_ERR_ALG,	      /* unknown or unsupported algorithm for this operation */
	PKI_ERR_SUBJECT,      /* a subject string breaks the grammar in docs/profiles.md */
	PKI_ERR_OID,	      /* a policy OID is not a dotted decimal object identifier */
	PKI_ERR_CONSTRAINT,   /* a name constraint is not one of the supported forms */
	PKI_ERR_TIME,	      /* a validity or CRL date is out of range or out of order */
	PKI_ERR_TOO_LARGE,    /* input exceeds its size limit */
	PKI_ERR_PARSE,	      /* input is not well-formed PEM or DER */
	PKI_ERR_TRAILING,     /* bytes follow the object */
	PKI_ERR_TYPE,	      /* the object is of another type than required */
	PKI_ERR_BUFFER,	      /* an output buffer is too small */
	PKI_ERR_KEY_MISMATCH, /* a key does not match the recorded public key */
	PKI_ERR_SIGNATURE,    /* a signature does not verify */
	PKI_ERR_LINT,	      /* the object breaks its profile (see the lint report) */
	PKI_ERR_NO_CONTIN,    /* the certificate carries no wrapped contingency key */
	PKI_ERR_UNWRAP,	      /* the wrapped key failed its integrity check (wrong key?) */
	PKI_ERR_CHAIN,	      /* the certificate does not chain to the given CA and Root */
	PKI_ERR_ENTITY_ID,    /* the certificate's entity identifier is not the expected one */
};

/* A short, fixed English description; never NULL. */
const char *pki_strerror(enum pki_err err);

#endif
