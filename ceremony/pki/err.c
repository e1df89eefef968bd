#include "ceremony/pki/err.h"

const char *pki_strerror(enum pki_err err)
{
	switch (err) {
	case PKI_OK:
		return "success";
	case PKI_ERR_ARG:
		return "invalid argument";
	case PKI_ERR_NOMEM:
		return "out of memory";
	case PKI_ERR_CRYPTO:
		return "cryptographic operation failed";
	case PKI_ERR_RANDOM:
		return "random generator failed";
	case PKI_ERR_ALG:
		return "unsupported algorithm";
	case PKI_ERR_SUBJECT:
		return "invalid subject name";
	case PKI_ERR_OID:
		return "invalid object identifier";
	case PKI_ERR_CONSTRAINT:
		return "invalid name constraint";
	case PKI_ERR_TIME:
		return "invalid date or validity period";
	case PKI_ERR_TOO_LARGE:
		return "input too large";
	case PKI_ERR_PARSE:
		return "malformed input";
	case PKI_ERR_TRAILING:
		return "trailing data after the object";
	case PKI_ERR_TYPE:
		return "wrong object type";
	case PKI_ERR_BUFFER:
		return "output buffer too small";
	case PKI_ERR_KEY_MISMATCH:
		return "key does not match the recorded public key";
	case PKI_ERR_SIGNATURE:
		return "signature does not verify";
	case PKI_ERR_LINT:
		return "object breaks its profile";
	case PKI_ERR_NO_CONTIN:
		return "no wrapped contingency key in the certificate";
	case PKI_ERR_UNWRAP:
		return "wrapped key failed its integrity check";
	case PKI_ERR_CHAIN:
		return "certificate does not chain to the given CA";
	case PKI_ERR_ENTITY_ID:
		return "entity identifier does not match";
	}
	return "unknown error";
}
