/*
 * Figures for media/ (never pass/fail):
 *  1. QR decode rate (libzbar through media_qr_scan) on QR codes we render and then degrade in
 *     C: blur, noise, rotation, low contrast, and all of them at once;
 *  2. frames needed to move 2048 bytes in 120-byte fragments when 20 % of frames are lost,
 *     averaged over 200 trials: our frame stream and the reference's full sequence, both into
 *     our rank decoder (ideal: 18 fragments / 0.8 = 22.5);
 *  3. the time to make one checked QR frame.
 * Randomness is Xoshiro256** from fixed seeds, so every run prints the same decode figures.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "media/fountain.h"
#include "media/image.h"
#include "media/qr_in.h"
#include "media/qr_out.h"
#include "media/ur.h"
#include "media/util.h"

#define SCALE  4
#define TRIALS 200
#define LOSS   0.2

/* --- degradations --------------------------------------------------------------------------- */

static void box_blur(struct media_bitmap *b, int r)
{
	unsigned w = b->width, h = b->height;
	unsigned char *src = malloc((size_t)w * h);

	if (src == NULL)
		abort();
	memcpy(src, b->pixels, (size_t)w * h);
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++) {
			unsigned sum = 0, n = 0;

			for (int dy = -r; dy <= r; dy++)
				for (int dx = -r; dx <= r; dx++) {
					long xx = (long)x + dx, yy = (long)y + dy;

					if (xx < 0 || yy < 0 || xx >= (long)w || yy >= (long)h)
						continue;
					sum += src[(size_t)yy * w + (size_t)xx];
					n++;
				}
			b->pixels[(size_t)y * w + x] = (unsigned char)(sum / n);
		}
	free(src);
}

/* The bench stays off libm (the build links none): the little maths needed is here. */
static unsigned char clamp(double v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (unsigned char)(v + 0.5);
}

static long floor_l(double v)
{
	long i = (long)v;

	return (double)i > v ? i - 1 : i;
}

/* sin and cos of a small angle in degrees, by their series (|angle| <= 90). */
static void sin_cos(double degrees, double *s, double *c)
{
	double x = degrees * 3.14159265358979323846 / 180, term = x, sum = x, cterm = 1, csum = 1;

	for (int k = 1; k < 12; k++) {
		term *= -x * x / ((2.0 * k) * (2.0 * k + 1));
		cterm *= -x * x / ((2.0 * k - 1) * (2.0 * k));
		sum += term;
		csum += cterm;
	}
	*s = sum;
	*c = csum;
}

/* Additive noise, close to Gaussian: the sum of twelve uniforms, centred (Irwin-Hall). */
static void noise(struct media_bitmap *b, double sigma, struct media_xoshiro *rng)
{
	for (size_t i = 0; i < (size_t)b->width * b->height; i++) {
		double z = -6;

		for (int k = 0; k < 12; k++)
			z += media_xoshiro_double(rng);
		b->pixels[i] = clamp(b->pixels[i] + sigma * z);
	}
}

/* Black to lo, white to hi. */
static void contrast(struct media_bitmap *b, unsigned lo, unsigned hi)
{
	for (size_t i = 0; i < (size_t)b->width * b->height; i++)
		b->pixels[i] = (unsigned char)(lo + (hi - lo) * b->pixels[i] / 255u);
}

/* Rotates about the centre onto a canvas large enough, white outside, bilinear. */
static void rotate(struct media_bitmap *b, double degrees)
{
	double c, s;
	unsigned w = b->width, side;
	struct media_bitmap out;

	sin_cos(degrees, &s, &c);
	side = (unsigned)(w * ((c < 0 ? -c : c) + (s < 0 ? -s : s))) + 3;
	if (media_bitmap_new(&out, side, side) != 0)
		abort();
	for (unsigned y = 0; y < side; y++)
		for (unsigned x = 0; x < side; x++) {
			double dx = x - side / 2.0, dy = y - side / 2.0;
			double sx = c * dx + s * dy + w / 2.0, sy = -s * dx + c * dy + w / 2.0;
			long x0 = floor_l(sx), y0 = floor_l(sy);
			double fx = sx - (double)x0, fy = sy - (double)y0, v = 0;

			for (int k = 0; k < 4; k++) {
				long xx = x0 + (k & 1), yy = y0 + (k >> 1);
				double wt = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
				double p = (xx < 0 || yy < 0 || xx >= (long)w || yy >= (long)w)
					       ? 255
					       : b->pixels[(size_t)yy * w + (size_t)xx];

				v += wt * p;
			}
			out.pixels[(size_t)y * side + x] = clamp(v);
		}
	media_bitmap_free(b);
	*b = out;
}

/* --- decode rate ---------------------------------------------------------------------------- */

struct degradation {
	const char *name;
	int blur;
	double sigma, angle;
	unsigned lo, hi;
};

static const struct degradation degradations[] = {
    {"none", 0, 0, 0, 0, 255},
    {"blur r=1", 1, 0, 0, 0, 255},
    {"blur r=2", 2, 0, 0, 0, 255},
    {"blur r=3", 3, 0, 0, 0, 255},
    {"noise s=30", 0, 30, 0, 0, 255},
    {"noise s=60", 0, 60, 0, 0, 255},
    {"noise s=90", 0, 90, 0, 0, 255},
    {"rotate 5", 0, 0, 5, 0, 255},
    {"rotate 15", 0, 0, 15, 0, 255},
    {"rotate 30", 0, 0, 30, 0, 255},
    {"rotate 45", 0, 0, 45, 0, 255},
    {"contrast 90-170", 0, 0, 0, 90, 170},
    {"contrast 115-140", 0, 0, 0, 115, 140},
    {"all: r=1 s=20 10deg 70-190", 1, 20, 10, 70, 190},
    {"all: r=2 s=40 25deg 90-170", 2, 40, 25, 90, 170},
};

struct match {
	const unsigned char *want;
	size_t len;
	int ok;
};

static int check(void *ctx, const unsigned char *data, size_t len)
{
	struct match *m = ctx;

	if (len == m->len && memcmp(data, m->want, len) == 0)
		m->ok = 1;
	return 0;
}

static void decode_rates(void)
{
	enum { PAYLOADS = 4, SEEDS = 5 };
	unsigned char bin[300];
	char share[256];
	const char *ur_text;
	size_t ur_len;
	struct media_ur_enc *enc;
	struct media_qr qrs[PAYLOADS];
	const char *names[PAYLOADS] = {"SLIP-39 words (AN)", "100 bytes", "300 bytes",
				       "UR part (AN)"};
	struct media_xoshiro rng;

	media_xoshiro_seed(&rng, (const unsigned char *)"bench", 5);
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)media_xoshiro_next(&rng);
	snprintf(share, sizeof(share), "%s",
		 "ACADEMIC ACID ACNE ACQUIRE ACRYLIC ACTIVE ACTOR ACTRESS ADAPT ADULT ADVANCE "
		 "ADVOCATE AFRAID AGAIN AGENCY AGREE AIDE AIRCRAFT AIRLINE AIRPORT");
	if (media_ur_enc_new(bin, sizeof(bin), MEDIA_UR_FRAGMENT_DEFAULT, 0, &enc) != 0 ||
	    media_ur_enc_next(enc, 1, &ur_text, &ur_len) != 0)
		abort();
	if (media_qr_encode((const unsigned char *)share, strlen(share), MEDIA_QR_EC_AUTO,
			    &qrs[0]) != 0 ||
	    media_qr_encode(bin, 100, MEDIA_QR_EC_AUTO, &qrs[1]) != 0 ||
	    media_qr_encode(bin, 300, MEDIA_QR_EC_AUTO, &qrs[2]) != 0 ||
	    media_qr_encode((const unsigned char *)ur_text, ur_len, MEDIA_QR_EC_AUTO, &qrs[3]) != 0)
		abort();
	media_ur_enc_free(enc);

	printf("QR decode rate on degraded images (%d px/module; %d noise seeds per code)\n", SCALE,
	       SEEDS);
	for (size_t p = 0; p < PAYLOADS; p++)
		printf("  code %zu: %s, version %u, level %s\n", p + 1, names[p], qrs[p].version,
		       media_qr_ec_name(qrs[p].ec));
	printf("  %-28s %6s %6s %6s %6s %8s\n", "degradation", "code1", "code2", "code3", "code4",
	       "total");
	for (size_t d = 0; d < sizeof(degradations) / sizeof(degradations[0]); d++) {
		const struct degradation *g = &degradations[d];
		unsigned total = 0, count = 0;

		printf("  %-28s", g->name);
		for (size_t p = 0; p < PAYLOADS; p++) {
			unsigned ok = 0;

			for (unsigned s = 0; s < SEEDS; s++) {
				struct media_bitmap b;
				struct match m = {qrs[p].payload, qrs[p].payload_len, 0};
				char seed[32];
				int n = snprintf(seed, sizeof(seed), "%zu-%zu-%u", d, p, s);

				media_xoshiro_seed(&rng, (const unsigned char *)seed, (size_t)n);
				if (media_qr_bitmap(&qrs[p], SCALE, MEDIA_QR_QUIET, &b) != 0)
					abort();
				if (g->angle != 0)
					rotate(&b,
					       g->angle + (double)s); /* a degree apart per seed */
				if (g->blur)
					box_blur(&b, g->blur);
				if (g->lo != 0 || g->hi != 255)
					contrast(&b, g->lo, g->hi);
				if (g->sigma != 0)
					noise(&b, g->sigma, &rng);
				media_qr_scan(&b, check, &m, NULL);
				ok += (unsigned)m.ok;
				media_bitmap_free(&b);
			}
			printf(" %3u/%-2u", ok, SEEDS);
			total += ok;
			count += SEEDS;
		}
		printf(" %6.0f %%\n", 100.0 * total / count);
	}
	for (size_t p = 0; p < PAYLOADS; p++)
		media_qr_free(&qrs[p]);
}

/* --- frames needed -------------------------------------------------------------------------- */

struct frames_stats {
	double mean;
	size_t min, max;
};

static struct frames_stats frames_needed(unsigned flags)
{
	struct frames_stats st = {0, (size_t)-1, 0};
	unsigned char msg[2048];
	double total = 0;

	for (int t = 0; t < TRIALS; t++) {
		struct media_xoshiro rng;
		struct media_ur_enc *e;
		struct media_ur_dec *d;
		char seed[32];
		int n = snprintf(seed, sizeof(seed), "trial-%d", t);
		size_t sent = 0;

		media_xoshiro_seed(&rng, (const unsigned char *)seed, (size_t)n);
		for (size_t i = 0; i < sizeof(msg); i++)
			msg[i] = (unsigned char)media_xoshiro_next(&rng);
		if (media_ur_enc_new(msg, sizeof(msg), 120, flags, &e) != 0 ||
		    media_ur_dec_new(sizeof(msg), &d) != 0)
			abort();
		while (!media_ur_dec_complete(d)) {
			const char *text;
			size_t len;

			if (media_ur_enc_next(e, 1, &text, &len) != 0)
				abort();
			sent++;
			if (media_xoshiro_double(&rng) < LOSS)
				continue;
			if (media_ur_dec_add(d, text, len, NULL) != 0)
				abort();
		}
		total += (double)sent;
		st.min = sent < st.min ? sent : st.min;
		st.max = sent > st.max ? sent : st.max;
		media_ur_enc_free(e);
		media_ur_dec_free(d);
	}
	st.mean = total / TRIALS;
	return st;
}

static void frames(void)
{
	struct frames_stats ours = frames_needed(0), ref = frames_needed(MEDIA_UR_ALL_PARTS);

	printf("\nFrames to move 2048 bytes, 120-byte fragments (18), %.0f %% of frames lost, %d "
	       "trials\n",
	       LOSS * 100, TRIALS);
	printf("  ideal (18 / 0.8)                              22.5\n");
	printf("  our frames (degree 6..12), rank decoder    %7.2f  (min %zu, max %zu)  target <= "
	       "25\n",
	       ours.mean, ours.min, ours.max);
	printf("  reference sequence, rank decoder           %7.2f  (min %zu, max %zu)\n", ref.mean,
	       ref.min, ref.max);
}

/* --- time ----------------------------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void timing(void)
{
	unsigned char msg[2048];
	struct media_qr_anim *a;
	double t0;
	int n = 50;

	randombytes_buf(msg, sizeof(msg));
	if (media_qr_anim_new(msg, sizeof(msg), 1, 120, MEDIA_QR_EC_AUTO, &a) != 0)
		abort();
	t0 = now();
	for (int i = 0; i < n; i++) {
		const struct media_qr *qr;
		char *text;
		size_t seq, len;

		if (media_qr_anim_next(a, &qr, &seq) != 0 || media_qr_terminal(qr, 0, &text, &len))
			abort();
		media_sfree(text);
	}
	printf("\nOne UR frame encoded, checked by loopback, rendered for the terminal and checked "
	       "again: %.1f ms\n",
	       (now() - t0) * 1000 / n);
	media_qr_anim_free(a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	decode_rates();
	frames();
	timing();
	return 0;
}
