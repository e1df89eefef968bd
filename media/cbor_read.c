#include "media/cbor_read.h"

#include <cbor.h>
#include <string.h>

#include "media/error.h"

/* Only the callbacks we expect record anything, so any other item type leaves kind at NONE. */
static void on_uint(void *ctx, uint64_t v)
{
	struct media_cbor_item *it = ctx;

	it->kind = MEDIA_CBOR_UINT;
	it->value = v;
}
static void on_u8(void *ctx, uint8_t v)
{
	on_uint(ctx, v);
}
static void on_u16(void *ctx, uint16_t v)
{
	on_uint(ctx, v);
}
static void on_u32(void *ctx, uint32_t v)
{
	on_uint(ctx, v);
}
static void on_bytes(void *ctx, cbor_data data, size_t len)
{
	struct media_cbor_item *it = ctx;

	it->kind = MEDIA_CBOR_BYTES;
	it->data = data;
	it->len = len;
}
static void on_array(void *ctx, size_t len)
{
	struct media_cbor_item *it = ctx;

	it->kind = MEDIA_CBOR_ARRAY;
	it->value = len;
}

/* The length of the shortest head carrying argument v. */
static size_t head_len(uint64_t v)
{
	return v < 24 ? 1 : v <= 0xff ? 2 : v <= 0xffff ? 3 : v <= 0xffffffffu ? 5 : 9;
}

enum media_err media_cbor_next(const unsigned char *buf, size_t len, size_t *pos,
			       enum media_cbor_kind want, struct media_cbor_item *it)
{
	struct cbor_callbacks cb = cbor_empty_callbacks;
	struct cbor_decoder_result r;
	size_t expect;

	cb.uint8 = on_u8;
	cb.uint16 = on_u16;
	cb.uint32 = on_u32;
	cb.uint64 = on_uint;
	cb.byte_string = on_bytes;
	cb.array_start = on_array;
	memset(it, 0, sizeof(*it));
	if (*pos >= len)
		return MEDIA_E_CBOR;
	r = cbor_stream_decode(buf + *pos, len - *pos, &cb, it);
	if (r.status != CBOR_DECODER_FINISHED || it->kind != want || r.read > len - *pos)
		return MEDIA_E_CBOR;
	expect = want == MEDIA_CBOR_BYTES ? head_len(it->len) + it->len : head_len(it->value);
	if (r.read != expect)
		return MEDIA_E_CBOR;
	*pos += r.read;
	return MEDIA_OK;
}
