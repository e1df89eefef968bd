/*
 * Uniform Resources (Blockchain Commons BCR-2020-005) of type "bytes": any payload travels as
 * the CBOR byte string holding it, in minimal bytewords.
 *
 *   single part:  ur:bytes/<bytewords>
 *   multi-part:   ur:bytes/<seqNum>-<seqLen>/<bytewords of the fountain part's CBOR>
 *
 * A message that fits one fragment is always a single-part UR. For QR codes the text is
 * upper-cased so it encodes in alphanumeric mode; decoding is case-insensitive. The payload may
 * be secret: payload copies held here are sodium_malloc'ed and wiped on free.
 */
#ifndef MEDIA_UR_H
#define MEDIA_UR_H

#include <stddef.h>

/* The largest payload a UR may carry here, and the longest UR text accepted for one part. */
#define MEDIA_UR_MAX_PAYLOAD (256 * 1024)
#define MEDIA_UR_MAX_TEXT    8192
/* The default fragment length (bytes of message per part). */
#define MEDIA_UR_FRAGMENT_DEFAULT 120

/* True if data starts with "ur:" (any case). */
int media_ur_is_ur(const unsigned char *data, size_t len);

/*
 * Encoder. fragment_len is the largest number of message bytes per part (the CBOR message is the
 * payload plus a 1 to 9 byte head); at least 10. By default the fountain parts are those of
 * degree between a third and two thirds of the fragments (media_fountain_enc_set_window), which
 * need fewer frames over a lossy channel; MEDIA_UR_ALL_PARTS sends every seqNum in order, as the
 * reference encoder does.
 */
#define MEDIA_UR_ALL_PARTS 1u
struct media_ur_enc;
enum media_err media_ur_enc_new(const unsigned char *payload, size_t len, size_t fragment_len,
				unsigned flags, struct media_ur_enc **out);
/* Fragments in the message: 1 means single-part (every call to next gives the same text). */
size_t media_ur_enc_seq_len(const struct media_ur_enc *e);
/* The next part as NUL-terminated text (upper case if upper), valid until the next call or
 * free. Parts 1..seq_len are the fragments; later ones are fountain mixes. */
enum media_err media_ur_enc_next(struct media_ur_enc *e, int upper, const char **text, size_t *len);
void media_ur_enc_free(struct media_ur_enc *e);

/* Decoder: takes single-part or multi-part URs of one message, in any order. */
struct media_ur_dec;
enum media_err media_ur_dec_new(size_t max_payload, struct media_ur_dec **out);
/*
 * Adds one UR text (exactly len bytes). Returns MEDIA_OK (*useful 1 if it brought new
 * information; may be NULL), or: MEDIA_E_UR (not a well-formed UR: prefix, type, sequence,
 * characters), MEDIA_E_UR_TYPE, MEDIA_E_BYTEWORDS, MEDIA_E_CBOR, MEDIA_E_TOOBIG,
 * MEDIA_E_UR_MIXED (another message), MEDIA_E_UR_CHECKSUM. A rejected text leaves the decoder as
 * it was (except MEDIA_E_UR_CHECKSUM, which is final).
 */
enum media_err media_ur_dec_add(struct media_ur_dec *d, const char *text, size_t len, int *useful);
int media_ur_dec_complete(const struct media_ur_dec *d);
/* Fragments solved, fragments in the message (0 before the first part), parts accepted. */
void media_ur_dec_progress(const struct media_ur_dec *d, size_t *rank, size_t *seq_len,
			   size_t *parts);
/* The payload once complete (MEDIA_E_ARG before); valid until free. */
enum media_err media_ur_dec_payload(const struct media_ur_dec *d, const unsigned char **payload,
				    size_t *len);
void media_ur_dec_free(struct media_ur_dec *d);

#endif
