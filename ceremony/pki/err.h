/*
 * The PKI engine's error codes, shared by every ceremony/pki module. PKI_OK is 0; every other
 * value names what went wrong. Profile violations are PKI_E_LINT, with the broken rules in the
 * caller's struct pki_lint (lint.h).
 */
#ifndef CEREMONY_PKI_ERR_H
#define CEREMONY_PKI_ERR_H

enum pki_err {
	PKI_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	PKI_OK = 0,
	PKI_E_ARG,	    /* a caller passed an invalid argument */
	PKI_E_NOMEM,	    /* an allocation failed */
	PKI_E_CRYPTO,	    /* an OpenSSL operation failed unexpectedly */
	PKI_E_RANDOM,	    /* the random generator failed */
	PKI_E_ALG,	    /* unknown or unsupported algorithm for this operation */
	PKI_E_SUBJECT,	    /* a subject string breaks the grammar in docs/profiles.md */
	PKI_E_OID,	    /* a policy OID is not a dotted decimal object identifier */
	PKI_E_CONSTRAINT,   /* a name constraint is not one of the supported forms */
	PKI_E_TIME,	    /* a validity or CRL date is out of range or out of order */
	PKI_E_TOO_LARGE,    /* input exceeds its size limit */
	PKI_E_PARSE,	    /* input is not well-formed PEM or DER */
	PKI_E_TRAILING,	    /* bytes follow the object */
	PKI_E_TYPE,	    /* the object is of another type than required */
	PKI_E_BUFFER,	    /* an output buffer is too small */
	PKI_E_KEY_MISMATCH, /* a key does not match the recorded public key */
	PKI_E_SIGNATURE,    /* a signature does not verify */
	PKI_E_LINT,	    /* the object breaks its profile (see the lint report) */
	PKI_E_NO_CONTIN,    /* the certificate carries no wrapped contingency key */
	PKI_E_UNWRAP,	    /* the wrapped key failed its integrity check (wrong key?) */
	PKI_E_CHAIN,	    /* the certificate does not chain to the given CA and Root */
	PKI_E_ENTITY_ID,    /* the certificate's entity identifier is not the expected one */
};

/* A short, fixed English description; never NULL. */
const char *pki_strerror(enum pki_err err);

#endif
