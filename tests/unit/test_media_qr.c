/* QR out and in: round trips through every rendering, the loopback refusing a bad code, image
 * decoding, the receiver and the animation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media/error.h"
#include "media/image.h"
#include "media/qr_in.h"
#include "media/qr_out.h"
#include "media/ur.h"
#include "media/util.h"

struct got {
	unsigned char data[8192];
	size_t len;
	int count;
};

static int collect(void *ctx, const unsigned char *data, size_t len)
{
	struct got *g = ctx;

	if (len <= sizeof(g->data)) {
		memcpy(g->data, data, len);
		g->len = len;
	}
	g->count++;
	return 0;
}

/* Scans b and requires exactly one code equal to want. */
static void expect_scan(const struct media_bitmap *b, const void *want, size_t len)
{
	struct got g = {.count = 0};

	assert_int_equal(media_qr_scan(b, collect, &g, NULL), MEDIA_OK);
	assert_int_equal(g.count, 1);
	assert_int_equal(g.len, len);
	assert_memory_equal(g.data, want, len);
}

static void round_trip(const unsigned char *p, size_t len, enum media_qr_ec ec, int an)
{
	struct media_qr qr;
	struct media_bitmap b;
	unsigned char *png;
	char *text;
	size_t n;

	assert_int_equal(media_qr_encode(p, len, ec, &qr), MEDIA_OK);
	assert_int_equal(qr.alphanumeric, an);
	assert_int_equal(qr.size, 17 + 4 * qr.version);
	if (ec != MEDIA_QR_EC_AUTO)
		assert_int_equal(qr.ec, ec);
	/* Matrix */
	assert_int_equal(media_qr_bitmap(&qr, 3, 4, &b), MEDIA_OK);
	expect_scan(&b, p, len);
	media_bitmap_free(&b);
	/* PNG, decoded by our reader */
	assert_int_equal(media_qr_png(&qr, 5, &png, &n), MEDIA_OK);
	assert_int_equal(media_image_decode(png, n, &b), MEDIA_OK);
	assert_int_equal(b.width, (qr.size + 8) * 5);
	expect_scan(&b, p, len);
	media_bitmap_free(&b);
	media_sfree(png);
	/* Terminal, both polarities */
	for (unsigned flags = 0; flags <= MEDIA_QR_TERM_DARK_ON_LIGHT; flags++) {
		assert_int_equal(media_qr_terminal(&qr, flags, &text, &n), MEDIA_OK);
		assert_int_equal(strlen(text), n);
		assert_int_equal(media_qr_terminal_to_bitmap(text, n, flags, 2, &b), MEDIA_OK);
		expect_scan(&b, p, len);
		media_bitmap_free(&b);
		media_sfree(text);
	}
	media_qr_free(&qr);
}

static void test_round_trips(void **state)
{
	const char *words = "ACADEMIC ACID ACNE ACQUIRE ACRYLIC ACTIVE ACTOR ACTRESS ADAPT ADULT "
			    "ADVANCE ADVOCATE AFRAID AGAIN AGENCY AGREE AIDE AIRCRAFT AIRLINE "
			    "AIRPORT";
	unsigned char bytes[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)i;
	round_trip((const unsigned char *)words, strlen(words), MEDIA_QR_EC_AUTO, 1);
	round_trip((const unsigned char *)"hello, world\n", 13, MEDIA_QR_EC_AUTO, 0);
	/* Every byte value, NUL included, comes back byte for byte. */
	round_trip(bytes, sizeof(bytes), MEDIA_QR_EC_AUTO, 0);
	for (int ec = MEDIA_QR_EC_L; ec <= MEDIA_QR_EC_H; ec++)
		round_trip(bytes, 100, (enum media_qr_ec)ec, 0);
	round_trip((const unsigned char *)"\xc3\xa9t\xc3\xa9", 6, MEDIA_QR_EC_M, 0);
}

static void test_ec_choice(void **state)
{
	unsigned char big[2900], mid[600];
	struct media_qr qr;

	(void)state;
	randombytes_buf(big, sizeof(big));
	randombytes_buf(mid, sizeof(mid));
	assert_int_equal(media_qr_encode((const unsigned char *)"A", 1, MEDIA_QR_EC_AUTO, &qr),
			 MEDIA_OK);
	assert_int_equal(qr.ec, MEDIA_QR_EC_H);
	assert_int_equal(qr.version, 1);
	media_qr_free(&qr);
	/* Too big for H at the comfortable size: a lower level. */
	assert_int_equal(media_qr_encode(mid, sizeof(mid), MEDIA_QR_EC_AUTO, &qr), MEDIA_OK);
	assert_true(qr.ec < MEDIA_QR_EC_H);
	media_qr_free(&qr);
	assert_int_equal(media_qr_encode(big, sizeof(big), MEDIA_QR_EC_AUTO, &qr), MEDIA_OK);
	assert_int_equal(qr.ec, MEDIA_QR_EC_L);
	assert_true(qr.version > 35);
	media_qr_free(&qr);
	assert_int_equal(media_qr_encode(big, sizeof(big), MEDIA_QR_EC_H, &qr),
			 MEDIA_E_QR_CAPACITY);
	assert_null(qr.modules);
	assert_int_equal(media_qr_encode(big, 0, MEDIA_QR_EC_AUTO, &qr), MEDIA_E_ARG);
	assert_string_equal(media_qr_ec_name(MEDIA_QR_EC_Q), "Q");
}

/* A code that does not say what it should is refused, never handed out. */
static void test_loopback_refuses(void **state)
{
	const unsigned char p[] = "loopback";
	struct media_qr qr;
	unsigned char *png;
	char *text;
	size_t n;

	(void)state;
	assert_int_equal(media_qr_encode(p, 8, MEDIA_QR_EC_M, &qr), MEDIA_OK);
	qr.payload[0] ^= 1; /* the code no longer matches what it should carry */
	assert_int_equal(media_qr_png(&qr, 4, &png, &n), MEDIA_E_LOOPBACK);
	assert_null(png);
	assert_int_equal(media_qr_terminal(&qr, 0, &text, &n), MEDIA_E_LOOPBACK);
	assert_null(text);
	qr.payload[0] ^= 1;
	memset(qr.modules, 0, 7 * qr.size); /* finder patterns gone: unreadable */
	assert_int_equal(media_qr_png(&qr, 4, &png, &n), MEDIA_E_LOOPBACK);
	media_qr_free(&qr);
}

static void test_pnm(void **state)
{
	const unsigned char p[] = "PNM";
	struct media_qr qr;
	struct media_bitmap b, back;
	unsigned char *file;
	size_t head, n;
	char hdr[64];

	(void)state;
	assert_int_equal(media_qr_encode(p, 3, MEDIA_QR_EC_AUTO, &qr), MEDIA_OK);
	assert_int_equal(media_qr_bitmap(&qr, 4, 4, &b), MEDIA_OK);
	n = (size_t)b.width * b.height;
	file = malloc(64 + 3 * n + 1);
	assert_non_null(file);
	/* P5 with a comment */
	head =
	    (size_t)snprintf(hdr, sizeof(hdr), "P5\n# made here\n%u %u\n255\n", b.width, b.height);
	memcpy(file, hdr, head);
	memcpy(file + head, b.pixels, n);
	assert_int_equal(media_image_decode(file, head + n, &back), MEDIA_OK);
	expect_scan(&back, p, 3);
	media_bitmap_free(&back);
	/* Trailing or missing bytes are refused. */
	assert_int_equal(media_image_decode(file, head + n - 1, &back), MEDIA_E_IMAGE);
	file[head + n] = 0;
	assert_int_equal(media_image_decode(file, head + n + 1, &back), MEDIA_E_IMAGE);
	/* P6, maxval 15 */
	head = (size_t)snprintf(hdr, sizeof(hdr), "P6 %u %u 15\n", b.width, b.height);
	memcpy(file, hdr, head);
	for (size_t i = 0; i < n; i++)
		memset(file + head + 3 * i, b.pixels[i] ? 15 : 0, 3);
	assert_int_equal(media_image_decode(file, head + 3 * n, &back), MEDIA_OK);
	expect_scan(&back, p, 3);
	media_bitmap_free(&back);
	memcpy(file, "P6 10 10 0\n", 11);
	assert_int_equal(media_image_decode(file, 11 + 300, &back), MEDIA_E_IMAGE);
	memcpy(file, "P5 99999 99999 255\n", 19);
	assert_int_equal(media_image_decode(file, 19 + 10, &back), MEDIA_E_TOOBIG);
	assert_int_equal(media_image_decode((const unsigned char *)"GIF89a", 6, &back),
			 MEDIA_E_IMAGE);
	/* A PNG cut short */
	{
		unsigned char *png;
		size_t pl;

		assert_int_equal(media_png_encode(&b, &png, &pl), MEDIA_OK);
		assert_int_equal(media_image_decode(png, pl / 2, &back), MEDIA_E_IMAGE);
		media_sfree(png);
	}
	assert_int_equal(media_image_read_file("/nonexistent/x.png", &back), MEDIA_E_NOENT);
	free(file);
	media_bitmap_free(&b);
	media_qr_free(&qr);
}

static void test_receiver(void **state)
{
	struct media_rx *rx;
	struct media_rx_progress p;
	const unsigned char *out;
	size_t len;
	int useful;

	(void)state;
	assert_int_equal(media_rx_new(100, &rx), MEDIA_OK);
	media_rx_progress(rx, &p);
	assert_false(p.complete);
	assert_int_equal(media_rx_payload(rx, &out, &len), MEDIA_E_ARG);
	assert_int_equal(media_rx_add(rx, (const unsigned char *)"one", 3, &useful), MEDIA_OK);
	assert_int_equal(useful, 1);
	assert_int_equal(media_rx_add(rx, (const unsigned char *)"one", 3, &useful), MEDIA_OK);
	assert_int_equal(useful, 0);
	assert_int_equal(media_rx_add(rx, (const unsigned char *)"two", 3, &useful),
			 MEDIA_E_MULTIPLE);
	assert_int_equal(
	    media_rx_add(rx, (const unsigned char *)"ur:bytes/aeadaolazmjendeoti", 27, &useful),
	    MEDIA_E_MULTIPLE);
	media_rx_progress(rx, &p);
	assert_true(p.complete);
	assert_int_equal(p.codes, 2);
	assert_int_equal(p.rejected, 2);
	assert_int_equal(media_rx_payload(rx, &out, &len), MEDIA_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "one", 3);
	media_rx_free(rx);

	assert_int_equal(media_rx_new(100, &rx), MEDIA_OK);
	assert_int_equal(media_rx_add(rx, (const unsigned char *)"x", 0, NULL), MEDIA_E_NO_QR);
	{
		unsigned char big[101] = {0};

		assert_int_equal(media_rx_add(rx, big, sizeof(big), NULL), MEDIA_E_TOOBIG);
	}
	media_rx_free(rx);
	assert_int_equal(media_rx_camera(NULL, "/nonexistent/video9", 100, NULL, NULL),
			 MEDIA_E_CAMERA);
}

/* A payload too big for one comfortable code becomes a multi-part UR; its frames come back
 * through the receiver, out of order and with one missing. */
static void test_animation(void **state)
{
	unsigned char payload[1500];
	struct media_qr_anim *a;
	struct media_rx *rx;
	const struct media_qr *qr;
	struct media_bitmap bm[40];
	const unsigned char *out;
	size_t seq, n, len;

	(void)state;
	randombytes_buf(payload, sizeof(payload));
	assert_int_equal(media_qr_anim_new(payload, 20, 0, 120, MEDIA_QR_EC_AUTO, &a), MEDIA_OK);
	assert_int_equal(media_qr_anim_fragments(a), 1);
	assert_int_equal(media_qr_anim_next(a, &qr, &seq), MEDIA_OK);
	assert_int_equal(qr->payload_len, 20);
	media_qr_anim_free(a);

	assert_int_equal(media_qr_anim_new(payload, sizeof(payload), 0, 150, MEDIA_QR_EC_AUTO, &a),
			 MEDIA_OK);
	n = media_qr_anim_fragments(a);
	assert_true(n > 1 && n * 2 <= 40);
	for (size_t i = 0; i < 2 * n; i++) {
		assert_int_equal(media_qr_anim_next(a, &qr, &seq), MEDIA_OK);
		assert_int_equal(seq, i + 1);
		assert_true(qr->alphanumeric);
		assert_int_equal(media_qr_bitmap(qr, 2, 4, &bm[i]), MEDIA_OK);
	}
	media_qr_anim_free(a);
	assert_int_equal(media_rx_new(sizeof(payload), &rx), MEDIA_OK);
	for (size_t i = 2 * n; i-- > 1;) {
		struct media_rx_progress p;

		media_rx_progress(rx, &p);
		if (p.complete)
			break;
		assert_int_equal(media_qr_scan(&bm[i], NULL, NULL, NULL), MEDIA_OK);
		{
			struct got g = {.count = 0};

			assert_int_equal(media_qr_scan(&bm[i], collect, &g, NULL), MEDIA_OK);
			assert_int_equal(media_rx_add(rx, g.data, g.len, NULL), MEDIA_OK);
		}
	}
	assert_int_equal(media_rx_payload(rx, &out, &len), MEDIA_OK);
	assert_int_equal(len, sizeof(payload));
	assert_memory_equal(out, payload, len);
	media_rx_free(rx);
	for (size_t i = 0; i < 2 * n; i++)
		media_bitmap_free(&bm[i]);
}

/* A light-on-dark code (a photographed console) is found by libzbar's inverted pass, which
 * works in 8-byte words: widths that give every pixel count modulo 8, so that `make valgrind`
 * sees any access past the image or past libzbar's inverted copy of it. */
static void test_light_on_dark_any_size(void **state)
{
	static const char msg[] = "light on dark";
	struct media_qr qr;
	struct media_bitmap b, c;

	(void)state;
	assert_int_equal(media_qr_encode((const unsigned char *)msg, strlen(msg), MEDIA_QR_EC_AUTO,
					 &qr),
			 MEDIA_OK);
	assert_int_equal(media_qr_bitmap(&qr, 3, 4, &b), MEDIA_OK);
	for (unsigned dx = 0; dx < 8; dx++) {
		assert_int_equal(media_bitmap_new(&c, b.width + dx, b.height), MEDIA_OK);
		for (unsigned y = 0; y < c.height; y++)
			for (unsigned x = 0; x < c.width; x++)
				c.pixels[(size_t)y * c.width + x] =
				    x < b.width ? 255 - b.pixels[(size_t)y * b.width + x] : 0;
		expect_scan(&c, msg, strlen(msg));
		media_bitmap_free(&c);
	}
	media_bitmap_free(&b);
	media_qr_free(&qr);
}

static void test_play(void **state)
{
	struct media_qr_anim *a;
	char buf[65536];
	FILE *f = tmpfile();
	size_t n;
	unsigned char payload[600];

	(void)state;
	assert_non_null(f);
	randombytes_buf(payload, sizeof(payload));
	assert_int_equal(media_qr_anim_new(payload, sizeof(payload), 1, 200, MEDIA_QR_EC_AUTO, &a),
			 MEDIA_OK);
	assert_int_equal(media_qr_play(fileno(f), a, 0, "SHA-256 CAFE", 1, 3, NULL, NULL),
			 MEDIA_OK);
	media_qr_anim_free(a);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "SHA-256 CAFE"));
	assert_non_null(strstr(buf, "part 3 ("));
	assert_null(strstr(buf, "part 4 ("));
	assert_int_equal(media_qr_play(-1, NULL, 0, NULL, 1, 1, NULL, NULL), MEDIA_E_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_ec_choice),
	    cmocka_unit_test(test_loopback_refuses),
	    cmocka_unit_test(test_pnm),
	    cmocka_unit_test(test_receiver),
	    cmocka_unit_test(test_animation),
	    cmocka_unit_test(test_light_on_dark_any_size),
	    cmocka_unit_test(test_play),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
