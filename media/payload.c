#include "media/payload.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "media/error.h"
#include "media/ur.h"

#define PEM_LINE 64

const char *media_payload_name(enum media_payload_type type)
{
	switch (type) {
	case MEDIA_PAYLOAD_CERT:
		return "certificate";
	case MEDIA_PAYLOAD_CSR:
		return "CSR";
	case MEDIA_PAYLOAD_CRL:
		return "CRL";
	case MEDIA_PAYLOAD_SHARE:
		return "SLIP-39 share";
	case MEDIA_PAYLOAD_UR:
		return "UR part";
	}
	return "unknown";
}

/* --- DER ------------------------------------------------------------------------------------ */

/* The outer element must be one definite-length, minimally encoded SEQUENCE of exactly len. */
static int der_outer(const unsigned char *d, size_t len)
{
	size_t content, head;

	if (len < 2 || d[0] != 0x30)
		return MEDIA_E_PAYLOAD_DER;
	if (d[1] < 0x80) {
		content = d[1];
		head = 2;
	} else {
		size_t n = d[1] & 0x7f;

		if (n == 0 || n > 4 || len < 2 + n || d[2] == 0)
			return MEDIA_E_PAYLOAD_DER; /* indefinite, huge, or a leading zero */
		content = 0;
		for (size_t i = 0; i < n; i++)
			content = content << 8 | d[2 + i];
		if (content < 0x80)
			return MEDIA_E_PAYLOAD_DER; /* should have used the short form */
		head = 2 + n;
	}
	return content == len - head ? MEDIA_OK : MEDIA_E_PAYLOAD_DER;
}

/* Parses as type t; true if OpenSSL consumed exactly len bytes and re-encodes to them. */
static int der_is(const unsigned char *d, size_t len, enum media_payload_type t)
{
	const unsigned char *p = d;
	unsigned char *enc = NULL;
	int n = -1, ok;

	if (t == MEDIA_PAYLOAD_CERT) {
		X509 *x = d2i_X509(NULL, &p, (long)len);

		if (x != NULL)
			n = i2d_X509(x, &enc);
		X509_free(x);
	} else if (t == MEDIA_PAYLOAD_CSR) {
		X509_REQ *x = d2i_X509_REQ(NULL, &p, (long)len);

		if (x != NULL)
			n = i2d_X509_REQ(x, &enc);
		X509_REQ_free(x);
	} else {
		X509_CRL *x = d2i_X509_CRL(NULL, &p, (long)len);

		if (x != NULL)
			n = i2d_X509_CRL(x, &enc);
		X509_CRL_free(x);
	}
	ok = n > 0 && p == d + len && (size_t)n == len && memcmp(enc, d, len) == 0;
	OPENSSL_free(enc);
	ERR_clear_error();
	return ok;
}

/* Exactly one of the three types must accept the DER. */
static int der_detect(const unsigned char *d, size_t len, enum media_payload_type *type)
{
	static const enum media_payload_type types[3] = {MEDIA_PAYLOAD_CERT, MEDIA_PAYLOAD_CSR,
							 MEDIA_PAYLOAD_CRL};
	int found = 0;

	if (der_outer(d, len) != MEDIA_OK)
		return MEDIA_E_PAYLOAD_DER;
	for (size_t i = 0; i < 3; i++) {
		if (der_is(d, len, types[i])) {
			*type = types[i];
			found++;
		}
	}
	if (found == 1)
		return MEDIA_OK;
	return found == 0 ? MEDIA_E_PAYLOAD_UNKNOWN : MEDIA_E_PAYLOAD_DER;
}

/* --- PEM ------------------------------------------------------------------------------------ */

static const struct {
	const char *label;
	enum media_payload_type type;
} labels[] = {
    {"CERTIFICATE", MEDIA_PAYLOAD_CERT},
    {"CERTIFICATE REQUEST", MEDIA_PAYLOAD_CSR},
    {"NEW CERTIFICATE REQUEST", MEDIA_PAYLOAD_CSR},
    {"X509 CRL", MEDIA_PAYLOAD_CRL},
};

/* The line at *pos (without its end); advances past the end, which must be eol. Returns the
 * line length, or -1 when there is no complete line. *last is set when the data ends there. */
static long pem_line(const unsigned char *d, size_t len, size_t *pos, const char *eol,
		     const unsigned char **line)
{
	size_t start = *pos, el = strlen(eol);
	const unsigned char *nl = memchr(d + start, '\n', len - start);
	size_t end;

	*line = d + start;
	if (nl == NULL)
		return -1;
	end = (size_t)(nl - d) + 1;
	if (end - start < el || memcmp(d + end - el, eol, el) != 0)
		return -1;
	*pos = end;
	return (long)(end - start - el);
}

static int is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

/* Decodes one PEM block into *der (malloc'ed); *type is the label's type. */
static int pem_decode(const unsigned char *d, size_t len, enum media_payload_type *type,
		      unsigned char **der, size_t *der_len)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----", end_[] = "-----END ";
	const unsigned char *line;
	const char *eol;
	char *b64 = NULL;
	size_t pos = 0, b64len = 0, label_len = 0, li = 0;
	long n;
	int ret = MEDIA_E_PAYLOAD_PEM, found = 0, short_seen = 0;

	*der = NULL;
	*der_len = 0;
	/* The first line fixes the line end: CRLF or LF. */
	{
		const unsigned char *nl = memchr(d, '\n', len);

		if (nl == NULL)
			return MEDIA_E_PAYLOAD_PEM;
		eol = (nl > d && nl[-1] == '\r') ? "\r\n" : "\n";
	}
	n = pem_line(d, len, &pos, eol, &line);
	if (n < (long)(sizeof(begin) - 1 + sizeof(dashes) - 1) ||
	    memcmp(line, begin, sizeof(begin) - 1) != 0 ||
	    memcmp(line + n - 5, dashes, sizeof(dashes) - 1) != 0)
		return MEDIA_E_PAYLOAD_PEM;
	label_len = (size_t)n - (sizeof(begin) - 1) - (sizeof(dashes) - 1);
	for (li = 0; li < sizeof(labels) / sizeof(labels[0]); li++) {
		if (strlen(labels[li].label) == label_len &&
		    memcmp(line + sizeof(begin) - 1, labels[li].label, label_len) == 0) {
			found = 1;
			break;
		}
	}
	if (!found)
		return MEDIA_E_PAYLOAD_LABEL;
	b64 = malloc(len);
	if (b64 == NULL)
		return MEDIA_E_NOMEM;
	for (;;) {
		n = pem_line(d, len, &pos, eol, &line);
		if (n < 0) {
			/* The END line may be the last, without a line end. */
			line = d + pos;
			n = (long)(len - pos);
			pos = len;
			if (memchr(line, '\n', (size_t)n) != NULL)
				goto out;
		}
		if (n >= 9 && memcmp(line, end_, sizeof(end_) - 1) == 0)
			break;
		if (n == 0 || n > PEM_LINE || short_seen || pos == len)
			goto out;
		for (long i = 0; i < n; i++)
			if (!is_b64(line[i]))
				goto out;
		/* Only the last base64 line may be shorter than 64. */
		short_seen = n < PEM_LINE;
		memcpy(b64 + b64len, line, (size_t)n);
		b64len += (size_t)n;
	}
	if ((size_t)n != sizeof(end_) - 1 + label_len + sizeof(dashes) - 1 ||
	    memcmp(line + sizeof(end_) - 1, labels[li].label, label_len) != 0 ||
	    memcmp(line + n - 5, dashes, sizeof(dashes) - 1) != 0 || pos != len || b64len == 0)
		goto out;
	*der = malloc(b64len);
	if (*der == NULL) {
		ret = MEDIA_E_NOMEM;
		goto out;
	}
	{
		const char *b64_end;

		if (sodium_base642bin(*der, b64len, b64, b64len, NULL, der_len, &b64_end,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    b64_end != b64 + b64len)
			goto out;
	}
	*type = labels[li].type;
	ret = MEDIA_OK;
out:
	free(b64);
	if (ret != MEDIA_OK) {
		free(*der);
		*der = NULL;
		*der_len = 0;
	}
	return ret;
}

/* --- shares --------------------------------------------------------------------------------- */

/* SLIP-39: 4 header words, the value padded to whole 10-bit words, 3 checksum words; master
 * secrets of 16 to 32 bytes in steps of 2. */
static int share_word_count_ok(size_t words)
{
	for (size_t n = 16; n <= 32; n += 2)
		if (words == 4 + (8 * n + 9) / 10 + 3)
			return 1;
	return 0;
}

static int share_detect(const unsigned char *d, size_t len, size_t *words)
{
	size_t wl = 0, count = 0;
	int upper = -1;

	if (len > 0 && d[len - 1] == '\n')
		len--;
	if (len == 0)
		return MEDIA_E_PAYLOAD_SHARE;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? d[i] : ' ';

		if (c == ' ') {
			if (wl < 4 || wl > 8)
				return MEDIA_E_PAYLOAD_SHARE;
			count++;
			wl = 0;
			continue;
		}
		if (c >= 'a' && c <= 'z') {
			if (upper == 1)
				return MEDIA_E_PAYLOAD_SHARE;
			upper = 0;
		} else if (c >= 'A' && c <= 'Z') {
			if (upper == 0)
				return MEDIA_E_PAYLOAD_SHARE;
			upper = 1;
		} else {
			return MEDIA_E_PAYLOAD_SHARE;
		}
		wl++;
	}
	if (!share_word_count_ok(count))
		return MEDIA_E_PAYLOAD_SHARE;
	*words = count;
	return MEDIA_OK;
}

static int looks_like_words(const unsigned char *d, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = d[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' ||
		      (c == '\n' && i + 1 == len)))
			return 0;
	}
	return 1;
}

/* --- detection ------------------------------------------------------------------------------ */

static int detect(const unsigned char *data, size_t len, struct media_payload_info *info,
		  unsigned char **der_out, size_t *der_out_len)
{
	static const char pem_begin[] = "-----BEGIN ";
	unsigned char *der = NULL;
	size_t der_len = 0;
	enum media_payload_type label_type, der_type;
	int ret;

	memset(info, 0, sizeof(*info));
	if (len == 0)
		return MEDIA_E_PAYLOAD_EMPTY;
	if (len > MEDIA_PAYLOAD_MAX)
		return MEDIA_E_TOOBIG;
	if (media_ur_is_ur(data, len)) {
		struct media_ur_dec *d;

		ret = media_ur_dec_new(MEDIA_UR_MAX_PAYLOAD, &d);
		if (ret == MEDIA_OK)
			ret = media_ur_dec_add(d, (const char *)data, len, NULL);
		media_ur_dec_free(d);
		if (ret == MEDIA_OK)
			info->type = MEDIA_PAYLOAD_UR;
		return ret;
	}
	if (len >= sizeof(pem_begin) - 1 && memcmp(data, pem_begin, sizeof(pem_begin) - 1) == 0) {
		ret = pem_decode(data, len, &label_type, &der, &der_len);
		if (ret != MEDIA_OK)
			return ret;
		ret = der_detect(der, der_len, &der_type);
		if (ret == MEDIA_OK && der_type != label_type)
			ret = MEDIA_E_PAYLOAD_LABEL;
		if (ret == MEDIA_E_PAYLOAD_UNKNOWN)
			ret = MEDIA_E_PAYLOAD_DER;
		info->pem = 1;
	} else if (data[0] == 0x30) {
		ret = der_detect(data, len, &der_type);
		if (ret == MEDIA_OK) {
			der = malloc(len);
			if (der == NULL)
				return MEDIA_E_NOMEM;
			memcpy(der, data, len);
			der_len = len;
		}
	} else if (looks_like_words(data, len)) {
		ret = share_detect(data, len, &info->words);
		if (ret == MEDIA_OK)
			info->type = MEDIA_PAYLOAD_SHARE;
		return ret;
	} else {
		return MEDIA_E_PAYLOAD_UNKNOWN;
	}
	if (ret != MEDIA_OK) {
		free(der);
		info->pem = 0;
		return ret;
	}
	info->type = der_type;
	info->der_len = der_len;
	if (der_out != NULL) {
		*der_out = der;
		*der_out_len = der_len;
	} else {
		free(der);
	}
	return MEDIA_OK;
}

enum media_err media_payload_detect(const unsigned char *data, size_t len,
				    struct media_payload_info *info)
{
	return detect(data, len, info, NULL, NULL);
}

enum media_err media_payload_der(const unsigned char *data, size_t len, unsigned char **der,
				 size_t *der_len)
{
	struct media_payload_info info;
	int ret;

	*der = NULL;
	*der_len = 0;
	ret = detect(data, len, &info, der, der_len);
	if (ret == MEDIA_OK && info.type != MEDIA_PAYLOAD_CERT && info.type != MEDIA_PAYLOAD_CSR &&
	    info.type != MEDIA_PAYLOAD_CRL)
		ret = MEDIA_E_ARG;
	return ret;
}
