/* ceremony run: a ceremony script, step by step. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "ceremony/engine/engine.h"

static void usage(FILE *f)
{
	fputs("usage: ceremony run SCRIPT --media DIR [--answers FILE] [--rehearsal]\n"
	      "\n"
	      "Runs the ceremony SCRIPT step by step. Each medium the script names is the\n"
	      "directory DIR/<medium>/ (on the appliance, the mounted removable media).\n"
	      "\n"
	      "  --media DIR       where the media are\n"
	      "  --answers FILE    answer the prompts from FILE by id (docs/answers.md)\n"
	      "  --rehearsal       a rehearsal: everything made is marked, overrides allowed\n"
	      "\n"
	      "Test switches, refused (exit 2, before anything is written) without --rehearsal:\n"
	      "  --image-hash FILE the booted image's SHA-256 (default /run/ceremony/image.sha256)\n"
	      "  --sysfs DIR       a fake /sys for the air-gap check\n"
	      "  and the environment variables CEREMONY_FIXED_TIME, OPENSSL_CONF,\n"
	      "  OPENSSL_MODULES, OPENSSL_ENGINES and OPENSSL_ia32cap\n"
	      "\n"
	      "exit status: 0 closed; 1 NO-GO or a failed check (aborted); 2 usage, interruption\n"
	      "or operational error (aborted)\n",
	      f);
}

/* A fixed clock makes rehearsal transcripts comparable; production always reads the clock,
 * which a witness confirms. Returns 0, or -1 (said) when CEREMONY_FIXED_TIME is not valid. */
static int fixed_clock(struct engine_options *o)
{
	const char *fixed = getenv("CEREMONY_FIXED_TIME");
	char *end;
	long long t;

	if (fixed == NULL || !o->rehearsal)
		return 0;
	t = strtoll(fixed, &end, 10);
	if (*end != '\0' || t <= 0) {
		cli_error("CEREMONY_FIXED_TIME is not a positive number of seconds");
		return -1;
	}
	o->fixed_time = t;
	return 0;
}

/* What only tests and rehearsals may change: the go/no-go's inputs, the clock, and what OpenSSL
 * loads or which code paths it takes. TERM and NO_COLOR only change how the screen looks. */
static const char *const test_env[] = {
	"CEREMONY_FIXED_TIME", "OPENSSL_CONF", "OPENSSL_MODULES", "OPENSSL_ENGINES",
	"OPENSSL_ia32cap",
};

/* A production run takes no test switch: each would let a host that is not the appliance fake
 * a check (a fake /sys hides a network interface, a fake image hash passes for the published
 * one) and record a production ceremony whose checks all passed. Refused before anything is
 * written; returns 0, or -1 when refused (said). */
static int refuse_test_switches(const struct engine_options *o, int sysfs, int image_hash)
{
	int refused = 0;

	if (o->rehearsal)
		return 0;
	if (sysfs) {
		cli_error("--sysfs is a test switch, refused without --rehearsal: nothing was "
			  "written");
		refused = 1;
	}
	if (image_hash) {
		cli_error("--image-hash is a test switch, refused without --rehearsal: nothing was "
			  "written");
		refused = 1;
	}
	for (size_t i = 0; i < sizeof(test_env) / sizeof(test_env[0]); i++)
		if (getenv(test_env[i]) != NULL) {
			cli_error("the environment variable %s is a test override, refused "
				  "without --rehearsal (unset it): nothing was written",
				  test_env[i]);
			refused = 1;
		}
	return refused ? -1 : 0;
}

/* Runs the ceremony; says why it could not start, if it could not. */
static int run(const struct engine_options *o)
{
	struct engine_error err;
	enum engine_result res = engine_run(o, &err);

	if (err.message[0] != '\0')
		cli_error("%s", err.message);
	switch (res) {
	case ENGINE_DONE:
		return CLI_OK;
	case ENGINE_NOGO:
	case ENGINE_FAILED:
		return CLI_FAIL;
	default:
		return CLI_USAGE;
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "media", required_argument, NULL, 'm' },
		{ "answers", required_argument, NULL, 'a' },
		{ "rehearsal", no_argument, NULL, 'r' },
		{ "image-hash", required_argument, NULL, 'i' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_options o;
	struct stat st;
	int c, sysfs = 0;

	memset(&o, 0, sizeof(o));
	o.sysfs = "/sys";
	o.in_fd = STDIN_FILENO;
	o.out_fd = STDOUT_FILENO;
	optind = 1;
	/* A wrong option gets the usage text alone, as every other command does. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			o.media_dir = optarg;
			break;
		case 'a':
			o.answers = optarg;
			break;
		case 'r':
			o.rehearsal = 1;
			break;
		case 'i':
			o.image_hash = optarg;
			break;
		case 's':
			/* Tests only: a fake /sys tree. */
			o.sysfs = optarg;
			sysfs = 1;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1 || o.media_dir == NULL) {
		usage(stderr);
		return CLI_USAGE;
	}
	o.script = argv[optind];
	if (refuse_test_switches(&o, sysfs, o.image_hash != NULL) != 0)
		return CLI_USAGE;
	if (stat(o.media_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_error("--media %.200s: not a directory", o.media_dir);
		return CLI_USAGE;
	}
	if (fixed_clock(&o) != 0)
		return CLI_USAGE;
	return run(&o);
}
