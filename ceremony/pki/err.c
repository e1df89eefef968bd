#include "ceremony/pki/err.h"

const char *pki_strerror(enum pki_err err)
{
	switch (err) {
	case PKI_E_SIGNED_: /* never returned */
		break;
	case PKI_OK:
		return "success";
	case PKI_E_ARG:
		return "invalid argument";
	case PKI_E_NOMEM:
		return "out of memory";
	case PKI_E_CRYPTO:
		return "cryptographic operation failed";
	case PKI_E_RANDOM:
		return "random generator failed";
	case PKI_E_ALG:
		return "unsupported algorithm";
	case PKI_E_SUBJECT:
		return "invalid subject name";
	case PKI_E_OID:
		return "invalid object identifier";
	case PKI_E_CONSTRAINT:
		return "invalid name constraint";
	case PKI_E_TIME:
		return "invalid date or validity period";
	case PKI_E_TOO_LARGE:
		return "input too large";
	case PKI_E_PARSE:
		return "malformed input";
	case PKI_E_TRAILING:
		return "trailing data after the object";
	case PKI_E_TYPE:
		return "wrong object type";
	case PKI_E_BUFFER:
		return "output buffer too small";
	case PKI_E_KEY_MISMATCH:
		return "key does not match the recorded public key";
	case PKI_E_SIGNATURE:
		return "signature does not verify";
	case PKI_E_LINT:
		return "object breaks its profile";
	case PKI_E_NO_CONTIN:
		return "no wrapped contingency key in the certificate";
	case PKI_E_UNWRAP:
		return "wrapped key failed its integrity check";
	case PKI_E_CHAIN:
		return "certificate does not chain to the given CA";
	case PKI_E_ENTITY_ID:
		return "entity identifier does not match";
	}
	return "unknown error";
}
