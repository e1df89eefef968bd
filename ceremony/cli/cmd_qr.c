/*
 * ceremony qr: payloads as QR codes (one, or an animated multi-part UR) and back. The payload
 * itself goes through stdin/stdout byte for byte; what people read (type, size, SHA-256 as hex
 * and PGP words) goes to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "ceremony/base/fpr.h"
#include "media/atomic.h"
#include "media/error.h"
#include "media/payload.h"
#include "media/qr_in.h"
#include "media/qr_out.h"
#include "media/ur.h"
#include "media/util.h"

#define DEFAULT_SCALE	8
#define DEFAULT_RATE	4
#define DEFAULT_TIMEOUT 120
#define MAX_FRAMES	9999

static void usage(FILE *f)
{
	fputs(
	    "usage: ceremony qr encode [--png FILE | --terminal] [--ec L|M|Q|H] [--scale N]\n"
	    "                          [--light]                      (payload on stdin)\n"
	    "       ceremony qr encode --ur (--frames DIR | --terminal) [--fragment-size N]\n"
	    "                          [--count N] [--rate FPS] [--ec L|M|Q|H] [--scale N]\n"
	    "       ceremony qr decode [--expect TYPE] FILE...\n"
	    "       ceremony qr decode [--expect TYPE] --camera /dev/videoN [--timeout S]\n"
	    "\n"
	    "encode: one QR code of the payload, as PNG or on the terminal; with --ur a "
	    "multi-part\n"
	    "UR (ur:bytes) in numbered PNG frames (frame-0001.png ...: the fragments first, then\n"
	    "fountain parts; --count defaults to twice the fragments) or animated on the "
	    "terminal.\n"
	    "A payload that fits one fragment stays one code.\n"
	    "decode: the payload, byte for byte, on stdout; several files may be the frames of\n"
	    "one multi-part UR, in any order. TYPE: cert, csr, crl, share, any (default).\n"
	    "The payload's SHA-256 is shown on stderr as hex and PGP words: compare it with the\n"
	    "sender's before using the payload.\n",
	    f);
}

/* A positive decimal option value within [1, max]. */
static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_ec(const char *s, enum media_qr_ec *ec)
{
	static const char names[] = "LMQH";

	if (s == NULL || strlen(s) != 1 || strchr(names, s[0]) == NULL)
		return -1;
	*ec = (enum media_qr_ec)(strchr(names, s[0]) - names);
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "sha256: XXXX ...\nwords:  ...\n" for people to compare, and the type if it is one of ours. */
static void describe(const unsigned char *p, size_t len, char *caption, size_t caplen)
{
	unsigned char d[32];
	char hex[FPR_HEX_32], words[FPR_WORDS_32];
	struct media_payload_info info;
	int ret = media_payload_detect(p, len, &info);

	media_sha256(p, len, d);
	fpr_hex(d, sizeof(d), hex, sizeof(hex));
	fpr_words(d, sizeof(d), words, sizeof(words));
	if (ret == MEDIA_OK)
		fprintf(stderr, "payload: %zu bytes, %s%s\n", len, media_payload_name(info.type),
			info.pem ? " (PEM)" : "");
	else
		fprintf(stderr, "payload: %zu bytes, not a recognised type (%s)\n", len,
			media_strerror(ret));
	snprintf(caption, caplen, "SHA-256 %s\n%s", hex, words);
	fprintf(stderr, "sha256:  %s\nwords:   %s\n", hex, words);
}

/* Writes data as a new file path (never replacing), with the atomic protocol. */
static int write_new_file(const char *path, const unsigned char *data, size_t len)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t dl = slash ? (size_t)(slash - path) : 1;
	int dirfd, ret;

	if (dl >= sizeof(dir))
		return MEDIA_E_NAME;
	if (slash == NULL)
		memcpy(dir, ".", 2);
	else if (dl == 0)
		memcpy(dir, "/", 2);
	else {
		memcpy(dir, path, dl);
		dir[dl] = '\0';
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return media_errno(errno);
	ret = media_atomic_write(dirfd, base, data, len, 0, NULL);
	close(dirfd);
	return ret;
}

struct encode_opts {
	const char *png, *frames;
	int terminal, ur, light;
	enum media_qr_ec ec;
	unsigned long scale, fragment, count, rate;
};

static int encode_one(const struct encode_opts *o, const unsigned char *p, size_t len)
{
	struct media_qr qr;
	unsigned char *png = NULL;
	char *text = NULL, caption[512];
	size_t n;
	int ret;

	ret = media_qr_encode(p, len, o->ec, &qr);
	if (ret != MEDIA_OK) {
		cli_error("%s", ret == MEDIA_E_QR_CAPACITY
				    ? "payload too large for one QR code (use --ur)"
				    : media_strerror(ret));
		return CLI_USAGE;
	}
	if (o->png != NULL) {
		ret = media_qr_png(&qr, (unsigned)o->scale, &png, &n);
		if (ret == MEDIA_OK)
			ret = write_new_file(o->png, png, n);
		media_sfree(png);
	} else {
		ret = media_qr_terminal(&qr, o->light ? MEDIA_QR_TERM_DARK_ON_LIGHT : 0, &text, &n);
		if (ret == MEDIA_OK && write_all(STDOUT_FILENO, (unsigned char *)text, n) != 0)
			ret = MEDIA_E_IO;
		media_sfree(text);
	}
	if (ret != MEDIA_OK) {
		media_qr_free(&qr);
		cli_error("%.200s: %s", o->png ? o->png : "stdout", media_strerror(ret));
		return CLI_USAGE;
	}
	describe(p, len, caption, sizeof(caption));
	fprintf(stderr, "QR: version %u, %u modules, level %s, %s mode\n", qr.version, qr.size,
		media_qr_ec_name(qr.ec), qr.alphanumeric ? "alphanumeric" : "byte");
	media_qr_free(&qr);
	return CLI_OK;
}

/* Frames to write: --count, by default twice the fragments; one for a single part. */
static size_t frame_count(const struct encode_opts *o, size_t frags)
{
	if (frags == 1)
		return 1;
	return o->count ? o->count : 2 * frags;
}

static int encode_frames(const struct encode_opts *o, struct media_qr_anim *a)
{
	size_t count = frame_count(o, media_qr_anim_fragments(a));
	char name[32] = "";
	int dirfd, ret = MEDIA_OK;

	if (mkdir(o->frames, 0755) != 0 && errno != EEXIST) {
		cli_error("%.200s: %s", o->frames, strerror(errno));
		return CLI_USAGE;
	}
	dirfd = open(o->frames, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		cli_error("%.200s: %s", o->frames, strerror(errno));
		return CLI_USAGE;
	}
	for (size_t i = 0; i < count && ret == MEDIA_OK; i++) {
		const struct media_qr *qr;
		unsigned char *png = NULL;
		size_t seq, n;

		snprintf(name, sizeof(name), "frame-%04zu.png", i + 1);
		ret = media_qr_anim_next(a, &qr, &seq);
		if (ret == MEDIA_OK)
			ret = media_qr_png(qr, (unsigned)o->scale, &png, &n);
		if (ret == MEDIA_OK)
			ret = media_atomic_write(dirfd, name, png, n, 0, NULL);
		media_sfree(png);
	}
	close(dirfd);
	if (ret != MEDIA_OK) {
		cli_error("%.200s/%s: %s", o->frames, name, media_strerror(ret));
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int encode_ur(const struct encode_opts *o, const unsigned char *p, size_t len)
{
	struct media_qr_anim *a;
	char caption[512];
	int ret, rc;

	size_t frags;

	ret = media_qr_anim_new(p, len, 1, o->fragment, o->ec, &a);
	if (ret != MEDIA_OK) {
		cli_error("%s", media_strerror(ret));
		return CLI_USAGE;
	}
	frags = media_qr_anim_fragments(a);
	if (o->frames != NULL && frame_count(o, frags) < frags) {
		cli_error("--count must be between the %zu fragments and %d", frags, MAX_FRAMES);
		media_qr_anim_free(a);
		return CLI_USAGE;
	}
	describe(p, len, caption, sizeof(caption));
	if (frags > 1)
		fprintf(stderr, "UR: %zu fragments of at most %lu bytes\n", frags, o->fragment);
	else
		fprintf(stderr, "UR: single part\n");
	if (o->frames != NULL) {
		rc = encode_frames(o, a);
		if (rc == CLI_OK)
			fprintf(stderr, "frames: %zu in %.200s (frame-0001.png ...)\n",
				frame_count(o, frags), o->frames);
	} else {
		ret = media_qr_play(STDOUT_FILENO, a, o->light ? MEDIA_QR_TERM_DARK_ON_LIGHT : 0,
				    caption, (unsigned)(1000 / o->rate), o->count, NULL, NULL);
		rc = ret == MEDIA_OK ? CLI_OK : CLI_USAGE;
		if (ret != MEDIA_OK)
			cli_error("%s", media_strerror(ret));
	}
	media_qr_anim_free(a);
	return rc;
}

static int cmd_encode(int argc, char **argv)
{
	struct encode_opts o = {
	    NULL, NULL,	       0, 0, 0, MEDIA_QR_EC_AUTO, DEFAULT_SCALE, MEDIA_UR_FRAGMENT_DEFAULT,
	    0,	  DEFAULT_RATE};
	unsigned char *p;
	size_t len;
	int rc, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--png") == 0 && v)
			o.png = argv[++i];
		else if (strcmp(a, "--frames") == 0 && v)
			o.frames = argv[++i];
		else if (strcmp(a, "--terminal") == 0)
			o.terminal = 1;
		else if (strcmp(a, "--ur") == 0)
			o.ur = 1;
		else if (strcmp(a, "--light") == 0)
			o.light = 1;
		else if (strcmp(a, "--ec") == 0 && parse_ec(v, &o.ec) == 0)
			i++;
		else if (strcmp(a, "--scale") == 0 && parse_count(v, 32, &o.scale) == 0)
			i++;
		else if (strcmp(a, "--fragment-size") == 0 &&
			 parse_count(v, 2000, &o.fragment) == 0 && o.fragment >= 10)
			i++;
		else if (strcmp(a, "--count") == 0 && parse_count(v, MAX_FRAMES, &o.count) == 0)
			i++;
		else if (strcmp(a, "--rate") == 0 && parse_count(v, 30, &o.rate) == 0)
			i++;
		else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if ((o.png && (o.terminal || o.frames || o.ur)) || (o.frames && (!o.ur || o.terminal)) ||
	    (o.ur && !o.frames && !o.terminal)) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_read_all(STDIN_FILENO, MEDIA_UR_MAX_PAYLOAD, 1, &p, &len) != 0) {
		cli_error("cannot read the payload from stdin (at most %d bytes)",
			  MEDIA_UR_MAX_PAYLOAD);
		return CLI_USAGE;
	}
	if (len == 0) {
		cli_error("empty payload");
		rc = CLI_USAGE;
	} else {
		rc = o.ur ? encode_ur(&o, p, len) : encode_one(&o, p, len);
	}
	sodium_memzero(p, len);
	sodium_free(p);
	return rc;
}

/* --- decode --------------------------------------------------------------------------------- */

static int expect_type(const char *s, int *type)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {{"any", 0},
		     {"cert", MEDIA_PAYLOAD_CERT},
		     {"csr", MEDIA_PAYLOAD_CSR},
		     {"crl", MEDIA_PAYLOAD_CRL},
		     {"share", MEDIA_PAYLOAD_SHARE}};

	for (size_t i = 0; s && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, types[i].name) == 0) {
			*type = types[i].type;
			return 0;
		}
	return -1;
}

/* ctx: an int set once a progress line is on stderr (it has no newline yet). */
static int camera_progress(void *ctx, const struct media_rx_progress *p)
{
	if (p->needed > 1) {
		fprintf(stderr, "\rcodes read: %zu, fragments: %zu of %zu", p->codes, p->solved,
			p->needed);
		*(int *)ctx = 1;
	}
	return 0;
}

/* Errors that mean the input was wrong (1) rather than the operation impossible (2). */
static int input_error(int ret)
{
	return ret == MEDIA_E_NOENT || ret == MEDIA_E_IO || ret == MEDIA_E_NOMEM ||
		       ret == MEDIA_E_CAMERA
		   ? CLI_USAGE
		   : CLI_FAIL;
}

static int finish_decode(struct media_rx *rx, int want)
{
	struct media_rx_progress pr;
	struct media_payload_info info;
	const unsigned char *p;
	size_t len;
	char caption[512];
	int ret;

	media_rx_progress(rx, &pr);
	if (!pr.complete) {
		cli_error("incomplete: %zu of %zu fragments from %zu codes", pr.solved, pr.needed,
			  pr.codes);
		return CLI_FAIL;
	}
	media_rx_payload(rx, &p, &len);
	if (want != 0) {
		ret = media_payload_detect(p, len, &info);
		if (ret != MEDIA_OK || (int)info.type != want) {
			cli_error("payload is not of the expected type: %s",
				  ret != MEDIA_OK ? media_strerror(ret)
						  : media_payload_name(info.type));
			return CLI_FAIL;
		}
	}
	if (pr.multipart)
		fprintf(stderr, "UR: %zu fragments from %zu codes\n", pr.needed, pr.codes);
	describe(p, len, caption, sizeof(caption));
	if (write_all(STDOUT_FILENO, p, len) != 0) {
		cli_error("cannot write the payload to stdout");
		return CLI_USAGE;
	}
	return CLI_OK;
}

static int cmd_decode(int argc, char **argv)
{
	const char *camera = NULL;
	unsigned long timeout = DEFAULT_TIMEOUT;
	struct media_rx *rx;
	int want = 0, i, ret, rc = CLI_OK;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--camera") == 0 && v)
			camera = argv[++i];
		else if (strcmp(a, "--timeout") == 0 && parse_count(v, 3600, &timeout) == 0)
			i++;
		else if (strcmp(a, "--expect") == 0 && expect_type(v, &want) == 0)
			i++;
		else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if ((camera == NULL) == (i == argc)) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (media_rx_new(MEDIA_UR_MAX_PAYLOAD, &rx) != MEDIA_OK) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	if (camera != NULL) {
		int shown = 0;

		ret =
		    media_rx_camera(rx, camera, (unsigned)timeout * 1000u, camera_progress, &shown);
		if (shown)
			fputc('\n', stderr);
		if (ret != MEDIA_OK) {
			cli_error("%.200s: %s", camera,
				  ret == MEDIA_E_TIMEOUT ? "no complete payload before the timeout"
							 : media_strerror(ret));
			rc = ret == MEDIA_E_TIMEOUT ? CLI_FAIL : CLI_USAGE;
		}
	}
	for (; camera == NULL && i < argc; i++) {
		ret = media_rx_add_file(rx, argv[i]);
		if (ret != MEDIA_OK) {
			cli_error("%.200s: %s", argv[i], media_strerror(ret));
			rc = input_error(ret);
			break;
		}
	}
	if (rc == CLI_OK)
		rc = finish_decode(rx, want);
	media_rx_free(rx);
	return rc;
}

static const struct cli_command verbs[] = {
	{ "encode", cmd_encode, "a payload as QR codes" },
	{ "decode", cmd_decode, "QR images or a camera to the payload" },
};

int cmd_qr(int argc, char **argv)
{
	return cli_dispatch("qr", verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
