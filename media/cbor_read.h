/*
 * Strict reading of the few CBOR items UR needs (unsigned integers, definite byte strings,
 * definite arrays), one at a time, through libcbor's streaming decoder. Only the shortest-form
 * (deterministic, RFC 8949 section 4.2) encoding of each head is accepted.
 */
#ifndef MEDIA_CBOR_READ_H
#define MEDIA_CBOR_READ_H

#include <stddef.h>
#include <stdint.h>

enum media_cbor_kind { MEDIA_CBOR_NONE, MEDIA_CBOR_UINT, MEDIA_CBOR_BYTES, MEDIA_CBOR_ARRAY };

struct media_cbor_item {
	enum media_cbor_kind kind;
	uint64_t value;		   /* the integer, or the array's length */
	const unsigned char *data; /* a byte string's content, inside the buffer */
	size_t len;		   /* a byte string's length */
};

/* Reads the item at buf[*pos], which must be of kind want and canonically encoded; advances
 * *pos past it (for an array, past its head only). Returns MEDIA_OK or MEDIA_E_CBOR. */
enum media_err media_cbor_next(const unsigned char *buf, size_t len, size_t *pos,
			       enum media_cbor_kind want, struct media_cbor_item *it);

#endif
