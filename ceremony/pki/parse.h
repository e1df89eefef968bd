/*
 * Strict import of certificates, CSRs, CRLs and public keys from untrusted bytes (a medium, a QR
 * code, a file): PEM or DER, at most PKI_INPUT_MAX bytes, one object, nothing after it.
 *
 * PEM: the input starts with "-----BEGIN <label>-----", carries no headers, and only
 * whitespace follows the END line. Labels: CERTIFICATE; CERTIFICATE REQUEST or NEW CERTIFICATE
 * REQUEST; X509 CRL; PUBLIC KEY (pki_parse_pubkey only). DER: exactly one object of the kind
 * found, detected by trying certificate, CRL, then request. DER it must be: definite lengths in
 * their shortest form throughout (BER's other encodings of the same object are malformed here).
 */
#ifndef CEREMONY_PKI_PARSE_H
#define CEREMONY_PKI_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ceremony/pki/err.h"
#include "ceremony/pki/key.h"

#define PKI_INPUT_MAX 65536

enum pki_obj_type { PKI_OBJ_NONE, PKI_OBJ_CERT, PKI_OBJ_CSR, PKI_OBJ_CRL };

/* One parsed object; the pointer for its type is set, the others are NULL. der holds its DER
 * encoding (OPENSSL_malloc'ed), over which its fingerprint is computed. */
struct pki_obj {
	enum pki_obj_type type;
	X509 *cert;
	X509_REQ *csr;
	X509_CRL *crl;
	uint8_t *der;
	size_t der_len;
};

/* Parses in[len]. On failure *out is empty (type PKI_OBJ_NONE) and the error is PKI_E_PARSE,
 * PKI_E_TRAILING, PKI_E_TOO_LARGE or PKI_E_TYPE (an unsupported PEM label). */
enum pki_err pki_parse(const uint8_t *in, size_t len, struct pki_obj *out);
/* As pki_parse, and PKI_E_TYPE unless the object is of type want. */
enum pki_err pki_parse_as(const uint8_t *in, size_t len, enum pki_obj_type want,
			  struct pki_obj *out);
/* Frees what an object holds and empties it; safe on an empty object. */
void pki_obj_free(struct pki_obj *obj);
/* "certificate", "certificate request" or "CRL". */
const char *pki_obj_type_name(enum pki_obj_type type);

/* Wraps an object (a built X509, X509_REQ or X509_CRL, whose ownership passes to obj) with its
 * DER encoding. On failure the object is freed. */
enum pki_err pki_obj_from_cert(X509 *cert, struct pki_obj *obj);
enum pki_err pki_obj_from_csr(X509_REQ *csr, struct pki_obj *obj);
enum pki_err pki_obj_from_crl(X509_CRL *crl, struct pki_obj *obj);

/* SHA-256 of the object's DER: the fingerprint shown to witnesses. */
enum pki_err pki_obj_fingerprint(const struct pki_obj *obj, uint8_t fpr[PKI_SHA256_LEN]);

/* PEM text of the object into a new OPENSSL_malloc'ed, NUL-terminated buffer (*len without the
 * NUL); free it with OPENSSL_free. */
enum pki_err pki_obj_pem(const struct pki_obj *obj, char **pem, size_t *len);

/* A public key from PEM ("PUBLIC KEY") or DER SubjectPublicKeyInfo, by the rules above and
 * pki_pubkey_from_spki(). */
enum pki_err pki_parse_pubkey(const uint8_t *in, size_t len, EVP_PKEY **out);

#endif
