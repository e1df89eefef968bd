#include "media/ur.h"

#include <cbor.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/bytewords.h"
#include "media/cbor_read.h"
#include "media/error.h"
#include "media/fountain.h"
#include "media/util.h"

#define UR_PREFIX     "ur:bytes/"
#define UR_PREFIX_LEN 9
/* CBOR head of a byte string: at most 9 bytes; of a part: array, four uint32, bytes head. */
#define BSTR_HEAD_MAX 9
#define PART_HEAD_MAX (1 + 4 * 5 + BSTR_HEAD_MAX)

int media_ur_is_ur(const unsigned char *data, size_t len)
{
	return len >= 3 && (data[0] | 0x20) == 'u' && (data[1] | 0x20) == 'r' && data[2] == ':';
}

/* --- encoder -------------------------------------------------------------------------------- */

struct media_ur_enc {
	unsigned char *message; /* CBOR byte string holding the payload */
	size_t message_len;
	struct media_fountain_enc *fountain;
	unsigned char *part; /* CBOR of the current part */
	size_t part_max;
	char *text;
	size_t text_max;
};

enum media_err media_ur_enc_new(const unsigned char *payload, size_t len, size_t fragment_len,
				unsigned flags, struct media_ur_enc **out)
{
	struct media_ur_enc *e;
	size_t head, fl, n;
	int ret = MEDIA_E_NOMEM;

	*out = NULL;
	if (len == 0 || len > MEDIA_UR_MAX_PAYLOAD || fragment_len < MEDIA_FOUNTAIN_MIN_FRAGMENT)
		return len > MEDIA_UR_MAX_PAYLOAD ? MEDIA_E_TOOBIG : MEDIA_E_ARG;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return MEDIA_E_NOMEM;
	e->message = media_salloc(len + BSTR_HEAD_MAX);
	if (e->message == NULL)
		goto fail;
	head = cbor_encode_bytestring_start(len, e->message, BSTR_HEAD_MAX);
	memcpy(e->message + head, payload, len);
	e->message_len = head + len;
	ret = media_fountain_enc_new(e->message, e->message_len, fragment_len, 0, &e->fountain);
	if (ret != MEDIA_OK)
		goto fail;
	n = media_fountain_enc_seq_len(e->fountain);
	if (!(flags & MEDIA_UR_ALL_PARTS))
		media_fountain_enc_set_window(e->fountain, (n + 2) / 3, (2 * n + 2) / 3);
	ret = MEDIA_E_NOMEM;
	fl = media_fountain_enc_fragment_len(e->fountain);
	e->part_max = fl + PART_HEAD_MAX;
	e->part = media_salloc(e->part_max);
	/* Room for the longer of the two forms, with "ur:bytes/", "4294967295-1024/" and NUL. */
	e->text_max =
	    UR_PREFIX_LEN + 16 + 1 +
	    media_bytewords_encoded_len(e->part_max > e->message_len ? e->part_max : e->message_len,
					MEDIA_BYTEWORDS_MINIMAL);
	e->text = media_salloc(e->text_max);
	if (e->part == NULL || e->text == NULL)
		goto fail;
	*out = e;
	return MEDIA_OK;
fail:
	media_ur_enc_free(e);
	return ret;
}

size_t media_ur_enc_seq_len(const struct media_ur_enc *e)
{
	return media_fountain_enc_seq_len(e->fountain);
}

enum media_err media_ur_enc_next(struct media_ur_enc *e, int upper, const char **text, size_t *len)
{
	struct media_fountain_part p;
	size_t used, n;
	int ret;

	*text = NULL;
	*len = 0;
	memcpy(e->text, UR_PREFIX, UR_PREFIX_LEN);
	used = UR_PREFIX_LEN;
	if (media_ur_enc_seq_len(e) == 1) {
		ret = media_bytewords_encode(e->message, e->message_len, MEDIA_BYTEWORDS_MINIMAL,
					     e->text + used, e->text_max - used);
	} else {
		ret = media_fountain_enc_next(e->fountain, &p);
		if (ret != MEDIA_OK)
			return ret;
		ret = media_fountain_part_to_cbor(&p, e->part, e->part_max, &n);
		if (ret != MEDIA_OK)
			return ret;
		used += (size_t)snprintf(e->text + used, e->text_max - used, "%u-%u/",
					 (unsigned)p.seq_num, (unsigned)p.seq_len);
		ret = media_bytewords_encode(e->part, n, MEDIA_BYTEWORDS_MINIMAL, e->text + used,
					     e->text_max - used);
	}
	if (ret != MEDIA_OK)
		return ret;
	n = strlen(e->text);
	if (upper)
		for (size_t i = 0; i < n; i++)
			if (e->text[i] >= 'a' && e->text[i] <= 'z')
				e->text[i] = (char)(e->text[i] - 'a' + 'A');
	*text = e->text;
	*len = n;
	return MEDIA_OK;
}

void media_ur_enc_free(struct media_ur_enc *e)
{
	if (e == NULL)
		return;
	media_fountain_enc_free(e->fountain);
	media_sfree(e->message);
	media_sfree(e->part);
	media_sfree(e->text);
	free(e);
}

/* --- decoder -------------------------------------------------------------------------------- */

struct media_ur_dec {
	size_t max_payload;
	struct media_fountain_dec *fountain;
	unsigned char *buf; /* decoded bytewords of one text */
	size_t buf_max;
	unsigned char *single; /* the message of a single-part UR */
	size_t single_len;
	const unsigned char *payload;
	size_t payload_len;
	size_t parts;
};

enum media_err media_ur_dec_new(size_t max_payload, struct media_ur_dec **out)
{
	struct media_ur_dec *d;
	int ret;

	*out = NULL;
	if (max_payload == 0 || max_payload > MEDIA_UR_MAX_PAYLOAD)
		return MEDIA_E_ARG;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return MEDIA_E_NOMEM;
	d->max_payload = max_payload;
	d->buf_max = MEDIA_UR_MAX_TEXT / 2;
	d->buf = media_salloc(d->buf_max);
	ret = d->buf ? (int)media_fountain_dec_new(max_payload + BSTR_HEAD_MAX, &d->fountain)
		     : MEDIA_E_NOMEM;
	if (ret != MEDIA_OK) {
		media_ur_dec_free(d);
		return ret;
	}
	*out = d;
	return MEDIA_OK;
}

/* A decimal uint32 without sign or leading zero, ending at the delimiter. */
static int parse_u32(const char *s, size_t len, size_t *pos, char delim, uint32_t *v)
{
	uint64_t acc = 0;
	size_t start = *pos;

	while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9') {
		acc = acc * 10 + (uint64_t)(s[*pos] - '0');
		if (acc > UINT32_MAX)
			return MEDIA_E_UR;
		(*pos)++;
	}
	if (*pos == start || *pos - start > 10 || (s[start] == '0' && *pos - start > 1))
		return MEDIA_E_UR;
	if (*pos >= len || s[*pos] != delim)
		return MEDIA_E_UR;
	(*pos)++;
	*v = (uint32_t)acc;
	return MEDIA_OK;
}

/* The payload inside a message: one canonical CBOR byte string, nothing after it. */
static int unwrap(const unsigned char *msg, size_t len, size_t max, const unsigned char **payload,
		  size_t *plen)
{
	struct media_cbor_item it;
	size_t pos = 0;

	if (media_cbor_next(msg, len, &pos, MEDIA_CBOR_BYTES, &it) != MEDIA_OK || pos != len)
		return MEDIA_E_CBOR;
	if (it.len == 0)
		return MEDIA_E_CBOR;
	if (it.len > max)
		return MEDIA_E_TOOBIG;
	*payload = it.data;
	*plen = it.len;
	return MEDIA_OK;
}

static int check_type(const char *text, size_t len, size_t *pos)
{
	static const char want[] = "bytes";
	size_t i = 3, start = 3;

	if (!media_ur_is_ur((const unsigned char *)text, len))
		return MEDIA_E_UR;
	while (i < len && text[i] != '/') {
		char c = text[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return MEDIA_E_UR;
		i++;
	}
	if (i == start || i >= len)
		return MEDIA_E_UR;
	if (i - start != 5)
		return MEDIA_E_UR_TYPE;
	for (size_t k = 0; k < 5; k++)
		if ((text[start + k] | 0x20) != want[k])
			return MEDIA_E_UR_TYPE;
	*pos = i + 1;
	return MEDIA_OK;
}

static int add_single(struct media_ur_dec *d, size_t n, int *useful)
{
	const unsigned char *payload;
	size_t plen, started;
	int ret = unwrap(d->buf, n, d->max_payload, &payload, &plen);

	if (ret != MEDIA_OK)
		return ret;
	if (d->payload != NULL) {
		/* Already complete: the same message again is a repeat, another is an error. */
		if (plen == d->payload_len && memcmp(payload, d->payload, plen) == 0) {
			d->parts++;
			return MEDIA_OK;
		}
		return MEDIA_E_UR_MIXED;
	}
	media_fountain_dec_progress(d->fountain, NULL, &started, NULL);
	if (started != 0)
		return MEDIA_E_UR_MIXED; /* a multi-part message is under way */
	d->single = media_salloc(n);
	if (d->single == NULL)
		return MEDIA_E_NOMEM;
	memcpy(d->single, d->buf, n);
	d->single_len = n;
	d->payload = d->single + (payload - d->buf);
	d->payload_len = plen;
	d->parts++;
	if (useful)
		*useful = 1;
	return MEDIA_OK;
}

static int add_multi(struct media_ur_dec *d, size_t n, uint32_t seq_num, uint32_t seq_len,
		     int *useful)
{
	struct media_fountain_part p;
	const unsigned char *msg;
	size_t mlen;
	int ret;

	if (media_fountain_part_from_cbor(d->buf, n, &p) != MEDIA_OK)
		return MEDIA_E_CBOR;
	if (p.seq_num != seq_num || p.seq_len != seq_len)
		return MEDIA_E_UR;
	if (d->single != NULL)
		return MEDIA_E_UR_MIXED;
	ret = media_fountain_dec_add(d->fountain, &p, useful);
	if (ret != MEDIA_OK)
		return ret;
	d->parts++;
	if (d->payload == NULL && media_fountain_dec_complete(d->fountain)) {
		media_fountain_dec_message(d->fountain, &msg, &mlen);
		ret = unwrap(msg, mlen, d->max_payload, &d->payload, &d->payload_len);
		if (ret != MEDIA_OK)
			return ret;
	}
	return MEDIA_OK;
}

enum media_err media_ur_dec_add(struct media_ur_dec *d, const char *text, size_t len, int *useful)
{
	size_t pos, n, slash;
	uint32_t seq_num = 0, seq_len = 0;
	int ret, multi = 0;

	if (useful)
		*useful = 0;
	if (len > MEDIA_UR_MAX_TEXT)
		return MEDIA_E_TOOBIG;
	ret = check_type(text, len, &pos);
	if (ret != MEDIA_OK)
		return ret;
	for (slash = pos; slash < len && text[slash] != '/'; slash++)
		;
	if (slash < len) {
		ret = parse_u32(text, len, &pos, '-', &seq_num);
		if (ret == MEDIA_OK)
			ret = parse_u32(text, len, &pos, '/', &seq_len);
		if (ret != MEDIA_OK || pos != slash + 1 || seq_num == 0 || seq_len == 0)
			return MEDIA_E_UR;
		multi = 1;
	}
	for (size_t i = pos; i < len; i++) {
		char c = (char)(text[i] | 0x20);

		if (c < 'a' || c > 'z')
			return MEDIA_E_UR;
	}
	ret = media_bytewords_decode(text + pos, len - pos, MEDIA_BYTEWORDS_MINIMAL, d->buf,
				     d->buf_max, &n);
	if (ret != MEDIA_OK)
		return ret;
	return multi ? add_multi(d, n, seq_num, seq_len, useful) : add_single(d, n, useful);
}

int media_ur_dec_complete(const struct media_ur_dec *d)
{
	return d->payload != NULL;
}

void media_ur_dec_progress(const struct media_ur_dec *d, size_t *rank, size_t *seq_len,
			   size_t *parts)
{
	if (d->single != NULL) {
		if (rank)
			*rank = 1;
		if (seq_len)
			*seq_len = 1;
	} else {
		media_fountain_dec_progress(d->fountain, rank, seq_len, NULL);
	}
	if (parts)
		*parts = d->parts;
}

enum media_err media_ur_dec_payload(const struct media_ur_dec *d, const unsigned char **payload,
				    size_t *len)
{
	if (d->payload == NULL)
		return MEDIA_E_ARG;
	*payload = d->payload;
	*len = d->payload_len;
	return MEDIA_OK;
}

void media_ur_dec_free(struct media_ur_dec *d)
{
	if (d == NULL)
		return;
	media_fountain_dec_free(d->fountain);
	media_sfree(d->buf);
	media_sfree(d->single);
	free(d);
}
