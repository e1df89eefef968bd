/*
 * The binary layer of multi-part UR (Blockchain Commons BCR-2024-001 "MUR", and BCR-2020-005):
 * the consensus stack (CRC-32, Xoshiro256**, the alias sampler, the degree and fragment
 * choosers), part serialisation as CBOR, the fountain encoder, and a decoder that solves by rank
 * (Gauss-Jordan elimination over GF(2)), so it completes as soon as the parts received span all
 * fragments, not only when peeling happens to work.
 *
 * Nothing here is secret-aware: messages may be anything the caller chose to send through QR
 * codes, and buffers are wiped on free for that reason only.
 */
#ifndef MEDIA_FOUNTAIN_H
#define MEDIA_FOUNTAIN_H

#include <stddef.h>
#include <stdint.h>

/* Bounds of the decoder: fragments per message, and bytes per message. */
#define MEDIA_FOUNTAIN_MAX_FRAGMENTS 1024
#define MEDIA_FOUNTAIN_MAX_MESSAGE   (1024 * 1024)
/* The reference encoder's minimum fragment length. */
#define MEDIA_FOUNTAIN_MIN_FRAGMENT 10

/* CRC-32 (ISO-HDLC, as zlib computes it). */
uint32_t media_crc32(const unsigned char *data, size_t len);

/* Xoshiro256** seeded from SHA-256(seed), the state read as four big-endian 64-bit words. */
struct media_xoshiro {
	uint64_t s[4];
};
void media_xoshiro_seed(struct media_xoshiro *rng, const unsigned char *seed, size_t len);
uint64_t media_xoshiro_next(struct media_xoshiro *rng);
/* next() / 2^64, in [0, 1). */
double media_xoshiro_double(struct media_xoshiro *rng);
/* An integer in the closed range [low, high]. */
uint64_t media_xoshiro_int(struct media_xoshiro *rng, uint64_t low, uint64_t high);

/* Walker-Vose alias sampler over n weights, exactly as the reference builds it (the order of
 * the work lists is part of the consensus). */
struct media_sampler {
	size_t n;
	double *probs;
	size_t *aliases;
};
/* Returns MEDIA_OK, MEDIA_E_ARG (n == 0, a negative weight, or a zero sum), MEDIA_E_NOMEM. */
enum media_err media_sampler_init(struct media_sampler *s, const double *weights, size_t n);
size_t media_sampler_next(const struct media_sampler *s, struct media_xoshiro *rng);
void media_sampler_free(struct media_sampler *s);

/* The reference fragment length: the smallest fragment count whose length fits max_len.
 * Returns 0 when the arguments make no sense (len 0, min 0, max < min). */
size_t media_fountain_fragment_len(size_t message_len, size_t min_len, size_t max_len);

/* Which fragments part seq_num mixes. */
struct media_fountain_chooser {
	size_t seq_len;
	uint32_t checksum;
	struct media_sampler degrees; /* weights 1/1 .. 1/seq_len */
	size_t *scratch;	      /* seq_len indexes, for the partial shuffle */
};
enum media_err media_fountain_chooser_init(struct media_fountain_chooser *c, size_t seq_len,
					   uint32_t checksum);
/* The degree, as the reference computes it from rng. */
size_t media_fountain_degree(const struct media_fountain_chooser *c, struct media_xoshiro *rng);
/* The first count of a Fisher-Yates shuffle of items, drawing from rng. */
void media_fountain_shuffle(size_t *items, size_t n, size_t count, struct media_xoshiro *rng,
			    size_t *out);
/* Writes the chosen fragment indexes (in the order drawn) to out (room for seq_len) and their
 * number to *count. seq_num must be >= 1. */
enum media_err media_fountain_choose(struct media_fountain_chooser *c, uint32_t seq_num,
				     size_t *out, size_t *count);
void media_fountain_chooser_free(struct media_fountain_chooser *c);

/* One part: [seqNum, seqLen, messageLen, checksum, data] in CBOR. */
struct media_fountain_part {
	uint32_t seq_num;
	uint32_t seq_len;
	uint32_t message_len;
	uint32_t checksum;
	const unsigned char *data;
	size_t data_len;
};
/* Canonical (shortest-form) CBOR. Returns MEDIA_E_TOOBIG when out is too small. */
enum media_err media_fountain_part_to_cbor(const struct media_fountain_part *p, unsigned char *out,
					   size_t outlen, size_t *written);
/* Strict: exactly one definite array of five items of the right types, every integer in
 * range, shortest-form encoding throughout, no trailing byte. p->data points into cbor. */
enum media_err media_fountain_part_from_cbor(const unsigned char *cbor, size_t len,
					     struct media_fountain_part *p);

/* Encoder: the first seq_len parts are the fragments in order; later ones are fountain mixes. */
struct media_fountain_enc;
enum media_err media_fountain_enc_new(const unsigned char *message, size_t len,
				      size_t max_fragment_len, uint32_t first_seq_num,
				      struct media_fountain_enc **out);
size_t media_fountain_enc_seq_len(const struct media_fountain_enc *e);
size_t media_fountain_enc_fragment_len(const struct media_fountain_enc *e);
/*
 * Restricts the fountain parts (those after the first seq_len) to seqNums whose degree lies in
 * [min_degree, max_degree]; the others are skipped, never sent. Any decoder still places every
 * part (the mix is a function of seqNum), but parts of middling degree carry more news over a
 * lossy channel than the reference's full sequence, where most are single fragments again. By
 * default every seqNum is used, as in the reference.
 */
void media_fountain_enc_set_window(struct media_fountain_enc *e, size_t min_degree,
				   size_t max_degree);
/* The next part; p->data stays valid until the next call or free. */
enum media_err media_fountain_enc_next(struct media_fountain_enc *e, struct media_fountain_part *p);
void media_fountain_enc_free(struct media_fountain_enc *e);

/* Decoder. Parts may come in any order, repeated, or not at all. */
struct media_fountain_dec;
enum media_err media_fountain_dec_new(size_t max_message_len, struct media_fountain_dec **out);
/*
 * Adds a part. Returns MEDIA_OK (with *useful 1 when it raised the rank, 0 for a repeat or a
 * combination of parts already held), MEDIA_E_UR for a malformed part (the decoder is unchanged),
 * MEDIA_E_TOOBIG for a message above the limit, MEDIA_E_UR_MIXED for a part of another message,
 * MEDIA_E_UR_CHECKSUM when the completed message fails its CRC-32 (the decoder then refuses every
 * further part). useful may be NULL.
 */
enum media_err media_fountain_dec_add(struct media_fountain_dec *d,
				      const struct media_fountain_part *p, int *useful);
int media_fountain_dec_complete(const struct media_fountain_dec *d);
/* Fragments solved (rank), fragments in the message (0 before the first part), parts added. */
void media_fountain_dec_progress(const struct media_fountain_dec *d, size_t *rank, size_t *seq_len,
				 size_t *parts);
/* The message once complete; MEDIA_E_ARG before. Valid until free. */
enum media_err media_fountain_dec_message(const struct media_fountain_dec *d,
					  const unsigned char **msg, size_t *len);
void media_fountain_dec_free(struct media_fountain_dec *d);

#endif
