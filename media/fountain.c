/* Fountain codes for multi-part UR (BCR-2024-001). The consensus stack is reproduced to the bit,
 * floating point included (IEEE-754 doubles, evaluated in the reference's order); the decoder
 * is our own: Gauss-Jordan elimination over GF(2), one row per fragment. */
#include "media/fountain.h"

#include <cbor.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "media/cbor_read.h"
#include "media/error.h"
#include "media/util.h"

uint32_t media_crc32(const unsigned char *data, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	/* zlib takes uInt lengths; feed it in pieces that fit. */
	while (len > 0) {
		uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;

		crc = crc32(crc, data, n);
		data += n;
		len -= n;
	}
	return (uint32_t)crc;
}

/* --- Xoshiro256** --------------------------------------------------------------------------- */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void media_xoshiro_seed(struct media_xoshiro *rng, const unsigned char *seed, size_t len)
{
	unsigned char d[32];

	media_sha256(seed, len, d);
	for (size_t i = 0; i < 4; i++) {
		uint64_t v = 0;

		for (size_t n = 0; n < 8; n++)
			v = (v << 8) | d[i * 8 + n];
		rng->s[i] = v;
	}
}

uint64_t media_xoshiro_next(struct media_xoshiro *rng)
{
	uint64_t *s = rng->s;
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double media_xoshiro_double(struct media_xoshiro *rng)
{
	/* 2^64 exactly: the reference divides by (double)UINT64_MAX + 1, which rounds to it. */
	return (double)media_xoshiro_next(rng) / 18446744073709551616.0;
}

uint64_t media_xoshiro_int(struct media_xoshiro *rng, uint64_t low, uint64_t high)
{
	return (uint64_t)(media_xoshiro_double(rng) * (double)(high - low + 1)) + low;
}

/* --- alias sampler -------------------------------------------------------------------------- */

enum media_err media_sampler_init(struct media_sampler *s, const double *weights, size_t n)
{
	double sum = 0, *p = NULL;
	size_t *small = NULL, *large = NULL, ns = 0, nl = 0;
	int ret = MEDIA_E_NOMEM;

	s->n = 0;
	s->probs = NULL;
	s->aliases = NULL;
	if (n == 0)
		return MEDIA_E_ARG;
	for (size_t i = 0; i < n; i++) {
		if (!(weights[i] >= 0))
			return MEDIA_E_ARG;
		sum += weights[i];
	}
	if (!(sum > 0))
		return MEDIA_E_ARG;
	p = calloc(n, sizeof(*p));
	small = calloc(n, sizeof(*small));
	large = calloc(n, sizeof(*large));
	s->probs = calloc(n, sizeof(*s->probs));
	s->aliases = calloc(n, sizeof(*s->aliases));
	if (!p || !small || !large || !s->probs || !s->aliases)
		goto out;
	for (size_t i = 0; i < n; i++)
		p[i] = weights[i] * (double)n / sum;
	/* The reference fills its work lists from the highest index down. */
	for (size_t i = n; i-- > 0;) {
		if (p[i] < 1)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns > 0 && nl > 0) {
		size_t a = small[--ns], g = large[--nl];

		s->probs[a] = p[a];
		s->aliases[a] = g;
		p[g] += p[a] - 1;
		if (p[g] < 1)
			small[ns++] = g;
		else
			large[nl++] = g;
	}
	while (nl > 0)
		s->probs[large[--nl]] = 1;
	while (ns > 0)
		s->probs[small[--ns]] = 1; /* only through rounding */
	s->n = n;
	ret = MEDIA_OK;
out:
	free(p);
	free(small);
	free(large);
	if (ret != MEDIA_OK)
		media_sampler_free(s);
	return ret;
}

size_t media_sampler_next(const struct media_sampler *s, struct media_xoshiro *rng)
{
	double r1 = media_xoshiro_double(rng);
	double r2 = media_xoshiro_double(rng);
	size_t i = (size_t)((double)s->n * r1);

	return r2 < s->probs[i] ? i : s->aliases[i];
}

void media_sampler_free(struct media_sampler *s)
{
	free(s->probs);
	free(s->aliases);
	s->probs = NULL;
	s->aliases = NULL;
	s->n = 0;
}

/* --- fragments and choosers ----------------------------------------------------------------- */

size_t media_fountain_fragment_len(size_t message_len, size_t min_len, size_t max_len)
{
	size_t max_count, len = message_len;

	if (message_len == 0 || min_len == 0 || max_len < min_len)
		return 0;
	max_count = message_len / min_len;
	for (size_t count = 1; count <= max_count; count++) {
		len = (message_len + count - 1) / count;
		if (len <= max_len)
			break;
	}
	return len;
}

enum media_err media_fountain_chooser_init(struct media_fountain_chooser *c, size_t seq_len,
					   uint32_t checksum)
{
	double *w;
	int ret;

	memset(c, 0, sizeof(*c));
	if (seq_len == 0 || seq_len > MEDIA_FOUNTAIN_MAX_FRAGMENTS)
		return MEDIA_E_ARG;
	w = calloc(seq_len, sizeof(*w));
	c->scratch = calloc(seq_len, sizeof(*c->scratch));
	if (w == NULL || c->scratch == NULL) {
		free(w);
		free(c->scratch);
		c->scratch = NULL;
		return MEDIA_E_NOMEM;
	}
	for (size_t i = 0; i < seq_len; i++)
		w[i] = 1.0 / (double)(i + 1);
	ret = media_sampler_init(&c->degrees, w, seq_len);
	free(w);
	if (ret != MEDIA_OK) {
		free(c->scratch);
		c->scratch = NULL;
		return ret;
	}
	c->seq_len = seq_len;
	c->checksum = checksum;
	return MEDIA_OK;
}

size_t media_fountain_degree(const struct media_fountain_chooser *c, struct media_xoshiro *rng)
{
	return media_sampler_next(&c->degrees, rng) + 1;
}

void media_fountain_shuffle(size_t *items, size_t n, size_t count, struct media_xoshiro *rng,
			    size_t *out)
{
	/* Draw from the shrinking list of remaining items, as the reference does. */
	for (size_t k = 0; k < count && n > 0; k++) {
		size_t i = (size_t)media_xoshiro_int(rng, 0, n - 1);

		out[k] = items[i];
		memmove(items + i, items + i + 1, (n - i - 1) * sizeof(*items));
		n--;
	}
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

enum media_err media_fountain_choose(struct media_fountain_chooser *c, uint32_t seq_num,
				     size_t *out, size_t *count)
{
	unsigned char seed[8];
	struct media_xoshiro rng;
	size_t degree;

	if (seq_num == 0)
		return MEDIA_E_ARG;
	if (seq_num <= c->seq_len) {
		out[0] = seq_num - 1;
		*count = 1;
		return MEDIA_OK;
	}
	be32(seed, seq_num);
	be32(seed + 4, c->checksum);
	media_xoshiro_seed(&rng, seed, sizeof(seed));
	degree = media_fountain_degree(c, &rng);
	for (size_t i = 0; i < c->seq_len; i++)
		c->scratch[i] = i;
	media_fountain_shuffle(c->scratch, c->seq_len, degree, &rng, out);
	*count = degree;
	return MEDIA_OK;
}

void media_fountain_chooser_free(struct media_fountain_chooser *c)
{
	media_sampler_free(&c->degrees);
	free(c->scratch);
	c->scratch = NULL;
}

/* --- part serialisation --------------------------------------------------------------------- */

enum media_err media_fountain_part_to_cbor(const struct media_fountain_part *p, unsigned char *out,
					   size_t outlen, size_t *written)
{
	size_t used = 0, n;
	const uint64_t fields[4] = {p->seq_num, p->seq_len, p->message_len, p->checksum};

	*written = 0;
	n = cbor_encode_array_start(5, out, outlen);
	if (n == 0)
		return MEDIA_E_TOOBIG;
	used += n;
	for (size_t i = 0; i < 4; i++) {
		n = cbor_encode_uint(fields[i], out + used, outlen - used);
		if (n == 0)
			return MEDIA_E_TOOBIG;
		used += n;
	}
	n = cbor_encode_bytestring_start(p->data_len, out + used, outlen - used);
	if (n == 0 || outlen - used - n < p->data_len)
		return MEDIA_E_TOOBIG;
	used += n;
	memcpy(out + used, p->data, p->data_len);
	*written = used + p->data_len;
	return MEDIA_OK;
}

enum media_err media_fountain_part_from_cbor(const unsigned char *cbor, size_t len,
					     struct media_fountain_part *p)
{
	struct media_cbor_item it;
	size_t pos = 0;
	uint64_t v[4];

	memset(p, 0, sizeof(*p));
	if (media_cbor_next(cbor, len, &pos, MEDIA_CBOR_ARRAY, &it) != MEDIA_OK || it.value != 5)
		return MEDIA_E_CBOR;
	for (size_t i = 0; i < 4; i++) {
		if (media_cbor_next(cbor, len, &pos, MEDIA_CBOR_UINT, &it) != MEDIA_OK ||
		    it.value > UINT32_MAX)
			return MEDIA_E_CBOR;
		v[i] = it.value;
	}
	if (media_cbor_next(cbor, len, &pos, MEDIA_CBOR_BYTES, &it) != MEDIA_OK || pos != len)
		return MEDIA_E_CBOR;
	p->seq_num = (uint32_t)v[0];
	p->seq_len = (uint32_t)v[1];
	p->message_len = (uint32_t)v[2];
	p->checksum = (uint32_t)v[3];
	p->data = it.data;
	p->data_len = it.len;
	return MEDIA_OK;
}

/* --- encoder -------------------------------------------------------------------------------- */

struct media_fountain_enc {
	size_t message_len, fragment_len, seq_len;
	uint32_t checksum, seq_num;
	unsigned char *fragments; /* seq_len * fragment_len, zero padded */
	unsigned char *mix;	  /* fragment_len */
	size_t *indexes;	  /* seq_len */
	size_t min_degree, max_degree;
	struct media_fountain_chooser chooser;
};

enum media_err media_fountain_enc_new(const unsigned char *message, size_t len,
				      size_t max_fragment_len, uint32_t first_seq_num,
				      struct media_fountain_enc **out)
{
	struct media_fountain_enc *e;
	size_t fl;
	int ret;

	*out = NULL;
	if (len == 0 || len > MEDIA_FOUNTAIN_MAX_MESSAGE || max_fragment_len == 0)
		return MEDIA_E_ARG;
	if (max_fragment_len < MEDIA_FOUNTAIN_MIN_FRAGMENT)
		max_fragment_len = MEDIA_FOUNTAIN_MIN_FRAGMENT;
	fl = media_fountain_fragment_len(len, MEDIA_FOUNTAIN_MIN_FRAGMENT, max_fragment_len);
	if (fl == 0)
		return MEDIA_E_ARG;
	if ((len + fl - 1) / fl > MEDIA_FOUNTAIN_MAX_FRAGMENTS)
		return MEDIA_E_TOOBIG;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return MEDIA_E_NOMEM;
	e->message_len = len;
	e->fragment_len = fl;
	e->seq_len = (len + fl - 1) / fl;
	e->checksum = media_crc32(message, len);
	e->seq_num = first_seq_num;
	e->min_degree = 1;
	e->max_degree = e->seq_len;
	e->fragments = media_salloc(e->seq_len * fl);
	e->mix = media_salloc(fl);
	e->indexes = calloc(e->seq_len, sizeof(*e->indexes));
	if (e->fragments == NULL || e->mix == NULL || e->indexes == NULL) {
		media_fountain_enc_free(e);
		return MEDIA_E_NOMEM;
	}
	memset(e->fragments, 0, e->seq_len * fl);
	memcpy(e->fragments, message, len);
	ret = media_fountain_chooser_init(&e->chooser, e->seq_len, e->checksum);
	if (ret != MEDIA_OK) {
		media_fountain_enc_free(e);
		return ret;
	}
	*out = e;
	return MEDIA_OK;
}

size_t media_fountain_enc_seq_len(const struct media_fountain_enc *e)
{
	return e->seq_len;
}

size_t media_fountain_enc_fragment_len(const struct media_fountain_enc *e)
{
	return e->fragment_len;
}

void media_fountain_enc_set_window(struct media_fountain_enc *e, size_t min_degree,
				   size_t max_degree)
{
	e->min_degree = min_degree < 1 ? 1 : min_degree;
	e->max_degree = max_degree > e->seq_len ? e->seq_len : max_degree;
	if (e->max_degree < e->min_degree)
		e->max_degree = e->min_degree = 1;
}

/* A window holds a fair share of all degrees (the weights are 1/d), so skipping ends quickly;
 * the bound only guards against a window nothing falls into. */
#define MAX_SKIPPED 100000

enum media_err media_fountain_enc_next(struct media_fountain_enc *e, struct media_fountain_part *p)
{
	size_t count, skipped = 0;
	int ret;

	for (;;) {
		if (e->seq_num == UINT32_MAX)
			return MEDIA_E_ARG; /* the next would wrap to 0, which no decoder places */
		e->seq_num++;
		ret = media_fountain_choose(&e->chooser, e->seq_num, e->indexes, &count);
		if (ret != MEDIA_OK)
			return ret;
		if (e->seq_num <= e->seq_len || skipped++ >= MAX_SKIPPED ||
		    (count >= e->min_degree && count <= e->max_degree))
			break;
	}
	memset(e->mix, 0, e->fragment_len);
	for (size_t k = 0; k < count; k++) {
		const unsigned char *f = e->fragments + e->indexes[k] * e->fragment_len;

		for (size_t i = 0; i < e->fragment_len; i++)
			e->mix[i] ^= f[i];
	}
	p->seq_num = e->seq_num;
	p->seq_len = (uint32_t)e->seq_len;
	p->message_len = (uint32_t)e->message_len;
	p->checksum = e->checksum;
	p->data = e->mix;
	p->data_len = e->fragment_len;
	return MEDIA_OK;
}

void media_fountain_enc_free(struct media_fountain_enc *e)
{
	if (e == NULL)
		return;
	media_fountain_chooser_free(&e->chooser);
	media_sfree(e->fragments);
	media_sfree(e->mix);
	free(e->indexes);
	free(e);
}

/* --- decoder -------------------------------------------------------------------------------- */

/*
 * Rows are kept in reduced row echelon form: row r (if present) has its pivot in column r and no
 * other pivot column set. A new equation is reduced by every pivot row whose column it holds;
 * whatever remains (if anything) gets a pivot at its lowest column, which is then cleared from
 * every other row. Rank seq_len means the rows are the unit vectors: the fragments themselves.
 */
struct media_fountain_dec {
	size_t max_message_len;
	size_t seq_len, fragment_len, message_len, words, rank, parts;
	uint32_t checksum;
	int failed;
	struct media_fountain_chooser chooser;
	uint64_t *coef;	     /* seq_len rows of `words` words */
	unsigned char *data; /* seq_len rows of fragment_len bytes */
	unsigned char *have; /* seq_len flags: row present */
	uint64_t *tmp_coef;  /* the equation being added */
	unsigned char *tmp_data;
	size_t *indexes;
	unsigned char *message; /* once complete */
};

enum media_err media_fountain_dec_new(size_t max_message_len, struct media_fountain_dec **out)
{
	struct media_fountain_dec *d;

	*out = NULL;
	if (max_message_len == 0 || max_message_len > MEDIA_FOUNTAIN_MAX_MESSAGE)
		return MEDIA_E_ARG;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return MEDIA_E_NOMEM;
	d->max_message_len = max_message_len;
	*out = d;
	return MEDIA_OK;
}

static int dec_setup(struct media_fountain_dec *d, const struct media_fountain_part *p)
{
	size_t n = p->seq_len, fl = p->data_len;
	int ret;

	d->words = (n + 63) / 64;
	d->coef = calloc(n * d->words, sizeof(uint64_t));
	d->have = calloc(n, 1);
	d->tmp_coef = calloc(d->words, sizeof(uint64_t));
	d->indexes = calloc(n, sizeof(size_t));
	d->data = media_salloc(n * fl);
	d->tmp_data = media_salloc(fl);
	d->message = media_salloc(n * fl);
	if (!d->coef || !d->have || !d->tmp_coef || !d->indexes || !d->data || !d->tmp_data ||
	    !d->message)
		return MEDIA_E_NOMEM;
	ret = media_fountain_chooser_init(&d->chooser, n, p->checksum);
	if (ret != MEDIA_OK)
		return ret;
	d->seq_len = n;
	d->fragment_len = fl;
	d->message_len = p->message_len;
	d->checksum = p->checksum;
	return MEDIA_OK;
}

static void dec_release(struct media_fountain_dec *d)
{
	media_fountain_chooser_free(&d->chooser);
	free(d->coef);
	free(d->have);
	free(d->tmp_coef);
	free(d->indexes);
	media_sfree(d->data);
	media_sfree(d->tmp_data);
	media_sfree(d->message);
	d->coef = d->tmp_coef = NULL;
	d->have = d->data = d->tmp_data = d->message = NULL;
	d->indexes = NULL;
	d->seq_len = 0;
}

static void xor_bytes(unsigned char *dst, const unsigned char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] ^= src[i];
}

static void xor_words(uint64_t *dst, const uint64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] ^= src[i];
}

static int bit(const uint64_t *row, size_t col)
{
	return (int)((row[col / 64] >> (col % 64)) & 1);
}

/* Reduces the pending equation; adds it as a new row if it is independent. */
static int dec_insert(struct media_fountain_dec *d)
{
	size_t n = d->seq_len, w = d->words, fl = d->fragment_len, pivot = n;

	for (size_t col = 0; col < n; col++) {
		if (d->have[col] && bit(d->tmp_coef, col)) {
			xor_words(d->tmp_coef, d->coef + col * w, w);
			xor_bytes(d->tmp_data, d->data + col * fl, fl);
		}
	}
	for (size_t col = 0; col < n; col++) {
		if (bit(d->tmp_coef, col)) {
			pivot = col;
			break;
		}
	}
	if (pivot == n)
		return 0;
	for (size_t r = 0; r < n; r++) {
		if (d->have[r] && bit(d->coef + r * w, pivot)) {
			xor_words(d->coef + r * w, d->tmp_coef, w);
			xor_bytes(d->data + r * fl, d->tmp_data, fl);
		}
	}
	memcpy(d->coef + pivot * w, d->tmp_coef, w * sizeof(uint64_t));
	memcpy(d->data + pivot * fl, d->tmp_data, fl);
	d->have[pivot] = 1;
	d->rank++;
	return 1;
}

static int part_valid(const struct media_fountain_part *p)
{
	if (p->seq_num == 0 || p->seq_len == 0 || p->message_len == 0 || p->data_len == 0)
		return 0;
	if (p->seq_len > MEDIA_FOUNTAIN_MAX_FRAGMENTS || p->data_len > MEDIA_FOUNTAIN_MAX_MESSAGE)
		return 0;
	/* Fragments partition the message with no empty fragment. */
	return (p->message_len + p->data_len - 1) / p->data_len == p->seq_len;
}

enum media_err media_fountain_dec_add(struct media_fountain_dec *d,
				      const struct media_fountain_part *p, int *useful)
{
	size_t count;
	int ret, gained;

	if (useful)
		*useful = 0;
	if (d->failed)
		return MEDIA_E_UR_CHECKSUM;
	if (!part_valid(p))
		return MEDIA_E_UR;
	if (p->message_len > d->max_message_len)
		return MEDIA_E_TOOBIG;
	if (d->seq_len == 0) {
		ret = dec_setup(d, p);
		if (ret != MEDIA_OK) {
			dec_release(d);
			return ret;
		}
	} else if (p->seq_len != d->seq_len || p->message_len != d->message_len ||
		   p->checksum != d->checksum || p->data_len != d->fragment_len) {
		return MEDIA_E_UR_MIXED;
	}
	d->parts++;
	if (d->rank == d->seq_len)
		return MEDIA_OK;
	ret = media_fountain_choose(&d->chooser, p->seq_num, d->indexes, &count);
	if (ret != MEDIA_OK)
		return ret;
	memset(d->tmp_coef, 0, d->words * sizeof(uint64_t));
	for (size_t k = 0; k < count; k++)
		d->tmp_coef[d->indexes[k] / 64] |= (uint64_t)1 << (d->indexes[k] % 64);
	memcpy(d->tmp_data, p->data, d->fragment_len);
	gained = dec_insert(d);
	if (useful)
		*useful = gained;
	if (d->rank < d->seq_len)
		return MEDIA_OK;
	/* Complete: the rows are the fragments, in order. */
	memcpy(d->message, d->data, d->seq_len * d->fragment_len);
	if (media_crc32(d->message, d->message_len) != d->checksum) {
		d->failed = 1;
		return MEDIA_E_UR_CHECKSUM;
	}
	return MEDIA_OK;
}

int media_fountain_dec_complete(const struct media_fountain_dec *d)
{
	return !d->failed && d->seq_len > 0 && d->rank == d->seq_len;
}

void media_fountain_dec_progress(const struct media_fountain_dec *d, size_t *rank, size_t *seq_len,
				 size_t *parts)
{
	if (rank)
		*rank = d->rank;
	if (seq_len)
		*seq_len = d->seq_len;
	if (parts)
		*parts = d->parts;
}

enum media_err media_fountain_dec_message(const struct media_fountain_dec *d,
					  const unsigned char **msg, size_t *len)
{
	if (!media_fountain_dec_complete(d))
		return MEDIA_E_ARG;
	*msg = d->message;
	*len = d->message_len;
	return MEDIA_OK;
}

void media_fountain_dec_free(struct media_fountain_dec *d)
{
	if (d == NULL)
		return;
	dec_release(d);
	free(d);
}
