/*
 * Strict type detection of a received payload, before anything else looks at it. Accepted:
 *
 *   certificate   X.509, DER or PEM "CERTIFICATE"
 *   CSR           PKCS#10, DER or PEM "CERTIFICATE REQUEST" (or "NEW CERTIFICATE REQUEST")
 *   CRL           X.509 CRL, DER or PEM "X509 CRL"
 *   share         SLIP-39 share words: lower- or upper-case ASCII words of 4 to 8 letters, single
 *                 spaces, an optional final newline, and a word count that SLIP-39 gives for a
 *                 master secret of 16 to 32 bytes (20, 22, 23, 25, 27, 28, 30, 31 or 33 words).
 *                 The word list and checksum are left to the SLIP-39 code.
 *   UR part       one "ur:bytes/..." text, fully parsed (media/ur.h)
 *
 * DER must be one complete, definite-length, minimally encoded structure of exactly the given
 * length that OpenSSL parses and re-encodes to the same bytes. PEM must be exactly one block with
 * a label matching its DER, base64 lines of at most 64 characters, LF or CRLF line ends, and
 * nothing before or after it but a final line end. Anything else is rejected with a one-line
 * reason (media_strerror of the code returned).
 */
#ifndef MEDIA_PAYLOAD_H
#define MEDIA_PAYLOAD_H

#include <stddef.h>

/* The largest payload considered (a CRL of a root CA is far smaller). */
#define MEDIA_PAYLOAD_MAX (64 * 1024)

enum media_payload_type {
	MEDIA_PAYLOAD_CERT = 1,
	MEDIA_PAYLOAD_CSR,
	MEDIA_PAYLOAD_CRL,
	MEDIA_PAYLOAD_SHARE,
	MEDIA_PAYLOAD_UR,
};

/* Details of a detected payload. */
struct media_payload_info {
	enum media_payload_type type;
	int pem;	/* the certificate, CSR or CRL came as PEM */
	size_t der_len; /* its DER length */
	size_t words;	/* a share's word count */
};

/* "certificate", "CSR", "CRL", "SLIP-39 share", "UR part". */
const char *media_payload_name(enum media_payload_type type);

/* Returns MEDIA_OK with *info filled, or MEDIA_E_PAYLOAD_EMPTY, MEDIA_E_TOOBIG,
 * MEDIA_E_PAYLOAD_DER, MEDIA_E_PAYLOAD_PEM, MEDIA_E_PAYLOAD_LABEL, MEDIA_E_PAYLOAD_SHARE,
 * MEDIA_E_PAYLOAD_UNKNOWN, or a UR error for a text that starts "ur:" but is not a valid UR. */
enum media_err media_payload_detect(const unsigned char *data, size_t len,
				    struct media_payload_info *info);

/*
 * The DER inside a certificate, CSR or CRL payload (PEM decoded), for the PKI code to parse
 * further. *der is malloc'ed (free() it). MEDIA_E_ARG for other payload types.
 */
enum media_err media_payload_der(const unsigned char *data, size_t len, unsigned char **der,
				 size_t *der_len);

#endif
