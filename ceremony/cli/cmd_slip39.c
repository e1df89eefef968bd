/*
 * ceremony slip39 split|combine: SLIP-39 shares from a master secret, and back.
 *
 * The master secret arrives as hex on standard input, never in argv; mnemonics go out one per
 * line, groups separated by an empty line. Everything secret (input, passphrase, mnemonics,
 * the recovered secret) stays in sodium_malloc buffers and is written with write(2), so no
 * stdio buffer holds a copy. Errors never quote a word or a secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "shamir/slip39.h"

/* Hex of a 32-byte secret with a CRLF, and room to notice more. */
#define SECRET_INPUT_MAX 256
/* 256 mnemonics (16 groups of 16) of the longest kind with generous spacing. */
#define MNEMONICS_INPUT_MAX (SLIP39_GROUPS_MAX * SLIP39_MEMBERS_MAX * 2 * SLIP39_MNEMONIC_MAX)
#define DEFAULT_ITER_EXP 1

static void usage(FILE *f)
{
	fputs("usage: ceremony slip39 split --threshold T --shares N [options] < secret.hex\n"
	      "       ceremony slip39 split --group-threshold G --group T/N [--group T/N ...]\n"
	      "                             [options] < secret.hex\n"
	      "       ceremony slip39 combine [--passphrase-file F] < mnemonics\n"
	      "\n"
	      "split reads a master secret of 16 to 32 bytes (an even number) as hex on standard\n"
	      "input and prints one SLIP-39 mnemonic per line, groups separated by an empty line.\n"
	      "combine reads mnemonics, one per line (empty lines ignored), and prints the master\n"
	      "secret as hex.\n"
	      "\n"
	      "options:\n"
	      "  --threshold T             shares needed, 1..16 (1 only with --shares 1)\n"
	      "  --shares N                shares to make, 1..16\n"
	      "  --group-threshold G       groups needed, 1..number of groups\n"
	      "  --group T/N               a group: T of its N shares needed (repeat, up to 16)\n"
	      "  --passphrase-file F       the passphrase: printable ASCII, one trailing newline\n"
	      "                            dropped (none: empty passphrase)\n"
	      "  --iteration-exponent E    PBKDF2 rounds 10000 * 2^E, E 0..15 (default 1)\n"
	      "  --extendable              mark the shares extendable (the passphrase salt leaves\n"
	      "                            out the identifier)\n"
	      "\n"
	      "A wrong passphrase is not detected: it gives a different secret.\n"
	      "exit status: 0 ok, 1 invalid or insufficient shares, 2 usage or operational error\n",
	      f);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A decimal number in [min, max], digits only. */
static int parse_number(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;

	if (s[0] == '\0' || strlen(s) > 3)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned int)(*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "T/N" with 1 <= T <= N <= 16. */
static int parse_group(const char *s, struct slip39_group *g)
{
	char t[4], n[4];
	const char *slash = strchr(s, '/');
	unsigned int tv, nv;
	size_t tl;

	if (slash == NULL)
		return -1;
	tl = (size_t)(slash - s);
	if (tl == 0 || tl >= sizeof(t) || strlen(slash + 1) >= sizeof(n))
		return -1;
	memcpy(t, s, tl);
	t[tl] = '\0';
	memcpy(n, slash + 1, strlen(slash + 1) + 1);
	if (parse_number(t, 1, SLIP39_MEMBERS_MAX, &tv) != 0 ||
	    parse_number(n, 1, SLIP39_MEMBERS_MAX, &nv) != 0 || tv > nv)
		return -1;
	g->threshold = (uint8_t)tv;
	g->count = (uint8_t)nv;
	return 0;
}

/* Reads the passphrase file into a sodium_malloc buffer, without one trailing newline. An
 * absent path is the empty passphrase. Returns 0, or prints why and returns -1. */
static int read_passphrase(const char *path, unsigned char **pass, size_t *passlen)
{
	int fd, ret;

	*pass = NULL;
	*passlen = 0;
	if (path == NULL)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error("cannot open the passphrase file: %s", strerror(errno));
		return -1;
	}
	ret = cli_read_all(fd, SLIP39_PASSPHRASE_MAX + 2, 1, pass, passlen);
	close(fd);
	if (ret != 0) {
		cli_error(ret == -2 ? "the passphrase is longer than 1024 characters"
				    : "cannot read the passphrase file");
		return -1;
	}
	if (*passlen > 0 && (*pass)[*passlen - 1] == '\n')
		(*passlen)--;
	if (*passlen > 0 && (*pass)[*passlen - 1] == '\r')
		(*passlen)--;
	return 0;
}

static void free_secret(unsigned char *buf, size_t len)
{
	if (buf != NULL) {
		sodium_memzero(buf, len);
		sodium_free(buf);
	}
}

/* --- split ------------------------------------------------------------------------------- */

struct split_args {
	unsigned int threshold, shares, group_threshold, iter_exp;
	int have_iter_exp, extendable;
	struct slip39_group groups[SLIP39_GROUPS_MAX];
	size_t ngroups;
	const char *passfile;
};

/* A number option of split, given once (*out is 0 until then): 1 to 16. */
static int once_number(const char *val, unsigned int *out, const char *refusal)
{
	if (*out != 0 || parse_number(val, 1, 16, out) != 0) {
		cli_error("%s", refusal);
		return -1;
	}
	return 0;
}

static int split_takes_value(const char *opt)
{
	static const char *const opts[] = { "--threshold",     "--shares",
					    "--group-threshold", "--group",
					    "--passphrase-file", "--iteration-exponent" };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(opt, opts[i]) == 0)
			return 1;
	return 0;
}

/* One option of split with its value (opt is one of split_takes_value's). */
static int split_value(struct split_args *a, const char *opt, const char *val)
{
	if (strcmp(opt, "--threshold") == 0)
		return once_number(val, &a->threshold, "--threshold: give one number, 1 to 16");
	if (strcmp(opt, "--shares") == 0)
		return once_number(val, &a->shares, "--shares: give one number, 1 to 16");
	if (strcmp(opt, "--group-threshold") == 0)
		return once_number(val, &a->group_threshold,
				   "--group-threshold: give one number, 1 to 16");
	if (strcmp(opt, "--group") == 0) {
		if (a->ngroups == SLIP39_GROUPS_MAX) {
			cli_error("at most 16 groups");
			return -1;
		}
		if (parse_group(val, &a->groups[a->ngroups]) != 0) {
			cli_error("--group: give T/N with 1 <= T <= N <= 16");
			return -1;
		}
		a->ngroups++;
		return 0;
	}
	if (strcmp(opt, "--passphrase-file") == 0) {
		if (a->passfile != NULL) {
			cli_error("--passphrase-file given twice");
			return -1;
		}
		a->passfile = val;
		return 0;
	}
	if (a->have_iter_exp || parse_number(val, 0, SLIP39_ITER_EXP_MAX, &a->iter_exp) != 0) {
		cli_error("--iteration-exponent: give one number, 0 to 15");
		return -1;
	}
	a->have_iter_exp = 1;
	return 0;
}

/* The groups the options describe: --threshold and --shares make one group; either that or
 * --group-threshold with --group, and no group of threshold 1 with more than 1 share. */
static int split_groups(struct split_args *a)
{
	if (a->threshold != 0 || a->shares != 0) {
		if (a->group_threshold != 0 || a->ngroups != 0) {
			cli_error("give --threshold and --shares, or --group-threshold and "
				  "--group, not both");
			return -1;
		}
		if (a->threshold == 0 || a->shares == 0) {
			cli_error("--threshold and --shares go together");
			return -1;
		}
		if (a->threshold > a->shares) {
			cli_error("the threshold (%u) is more than the shares (%u)", a->threshold,
				  a->shares);
			return -1;
		}
		a->group_threshold = 1;
		a->groups[0] = (struct slip39_group){ (uint8_t)a->threshold, (uint8_t)a->shares };
		a->ngroups = 1;
	} else if (a->group_threshold == 0 || a->ngroups == 0) {
		cli_error("give --threshold and --shares, or --group-threshold and --group T/N");
		return -1;
	} else if (a->group_threshold > a->ngroups) {
		cli_error("the group threshold (%u) is more than the groups (%zu)",
			  a->group_threshold, a->ngroups);
		return -1;
	}
	for (size_t g = 0; g < a->ngroups; g++)
		if (a->groups[g].threshold == 1 && a->groups[g].count != 1) {
			cli_error("a threshold of 1 needs exactly 1 share: each share would be the "
				  "whole secret (use 1/1)");
			return -1;
		}
	return 0;
}

static int parse_split(int argc, char **argv, struct split_args *a)
{
	memset(a, 0, sizeof(*a));
	a->iter_exp = DEFAULT_ITER_EXP;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--extendable") == 0) {
			if (a->extendable) {
				cli_error("--extendable given twice");
				return -1;
			}
			a->extendable = 1;
			continue;
		}
		if (!split_takes_value(opt)) {
			cli_error("split: unknown argument '%.40s' (see --help)", opt);
			return -1;
		}
		if (val == NULL) {
			cli_error("%s needs a value", opt);
			return -1;
		}
		i++;
		if (split_value(a, opt, val) != 0)
			return -1;
	}
	return split_groups(a);
}

/* The master secret from standard input: hex of 16..32 bytes, an even number, and at most one
 * trailing newline. */
static int read_master_secret(unsigned char **secret, size_t *len)
{
	unsigned char *in = NULL;
	size_t inlen = 0, hexlen;
	const char *end = NULL;
	int ret = -1;

	*secret = NULL;
	*len = 0;
	if (cli_read_all(STDIN_FILENO, SECRET_INPUT_MAX, 1, &in, &inlen) != 0) {
		cli_error("cannot read the master secret from standard input");
		return -1;
	}
	hexlen = inlen;
	if (hexlen > 0 && in[hexlen - 1] == '\n')
		hexlen--;
	if (hexlen > 0 && in[hexlen - 1] == '\r')
		hexlen--;
	*secret = sodium_malloc(SLIP39_SECRET_MAX);
	if (*secret == NULL) {
		cli_error("out of secure memory");
		goto out;
	}
	if (hexlen < 2 * SLIP39_SECRET_MIN || hexlen > 2 * SLIP39_SECRET_MAX || hexlen % 4 != 0 ||
	    sodium_hex2bin(*secret, SLIP39_SECRET_MAX, (const char *)in, hexlen, NULL, len,
			   &end) != 0 ||
	    end != (const char *)in + hexlen || *len * 2 != hexlen) {
		cli_error("the master secret on standard input must be 16 to 32 bytes (an even "
			  "number) in hex");
		goto out;
	}
	ret = 0;
out:
	if (ret != 0) {
		free_secret(*secret, SLIP39_SECRET_MAX);
		*secret = NULL;
		*len = 0;
	}
	free_secret(in, SECRET_INPUT_MAX + 1);
	return ret;
}

static int split_main(int argc, char **argv)
{
	struct split_args a;
	struct slip39_mnemonics *ms = NULL;
	unsigned char *secret = NULL, *pass = NULL;
	size_t len = 0, passlen = 0;
	int ret = CLI_USAGE, err;

	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i])) {
			usage(stdout);
			return CLI_OK;
		}
	if (parse_split(argc, argv, &a) != 0)
		return CLI_USAGE;
	if (read_passphrase(a.passfile, &pass, &passlen) != 0)
		goto out;
	if (read_master_secret(&secret, &len) != 0)
		goto out;

	err = slip39_split(secret, len, pass, passlen, a.extendable, (uint8_t)a.iter_exp,
			   (uint8_t)a.group_threshold, a.groups, a.ngroups, shamir_rng_system,
			   NULL, &ms);
	if (err != SLIP39_OK) {
		cli_error("%s", err == SLIP39_E_PASSPHRASE
					? "the passphrase must be printable ASCII (no other "
					  "characters), at most 1024 characters"
					: slip39_strerror(err));
		goto out;
	}
	for (size_t g = 0; g < ms->ngroups; g++) {
		if (g > 0 && write_all(STDOUT_FILENO, "\n", 1) != 0)
			goto write_error;
		for (size_t m = 0; m < ms->groups[g].count; m++) {
			const char *line = slip39_mnemonic(ms, g, m);

			if (write_all(STDOUT_FILENO, line, strlen(line)) != 0 ||
			    write_all(STDOUT_FILENO, "\n", 1) != 0)
				goto write_error;
		}
	}
	ret = CLI_OK;
	goto out;
write_error:
	cli_error("cannot write to standard output: %s", strerror(errno));
out:
	slip39_mnemonics_free(ms);
	free_secret(secret, SLIP39_SECRET_MAX);
	free_secret(pass, SLIP39_PASSPHRASE_MAX + 3);
	return ret;
}

/* --- combine ----------------------------------------------------------------------------- */

/* "2 more shares needed from group 3", for every group begun and not complete, and how many
 * groups are still to begin. */
static void report_missing(const struct slip39_collector *c)
{
	struct slip39_status st;
	char msg[1024];
	size_t o = 0;

	slip39_collector_status(c, &st);
	msg[0] = '\0';
	/* At most 16 clauses of under 50 bytes each: msg cannot be truncated. */
	for (unsigned int g = 0; g < SLIP39_GROUPS_MAX; g++) {
		unsigned int need = st.group[g].needed;

		if (st.group[g].present == 0 || need == 0)
			continue;
		o += (size_t)snprintf(msg + o, sizeof(msg) - o,
				      "%s%u more share%s needed from group %u", o > 0 ? "; " : "",
				      need, need == 1 ? "" : "s", g + 1);
	}
	if (st.groups_missing > 0)
		snprintf(msg + o, sizeof(msg) - o, "%sshares from %u more group%s needed",
			 o > 0 ? "; " : "", st.groups_missing, st.groups_missing == 1 ? "" : "s");
	cli_error("%s", msg);
}

/* One line per rejected share; the share is numbered among the non-empty input lines. */
static void report_share(int err, size_t share, const struct slip39_where *w)
{
	switch (err) {
	case SLIP39_E_WORD:
		cli_error("word %zu of share %zu is not in the SLIP-39 word list", w->word, share);
		break;
	case SLIP39_E_LENGTH:
		cli_error("share %zu has an invalid number of words", share);
		break;
	case SLIP39_E_CHECKSUM:
		cli_error("checksum error in share %zu", share);
		break;
	case SLIP39_E_PADDING:
		cli_error("invalid padding in share %zu", share);
		break;
	case SLIP39_E_GROUP_PARAMS:
		cli_error("share %zu has inconsistent group numbers (threshold or index above the "
			  "group count)",
			  share);
		break;
	case SLIP39_E_SET_MISMATCH:
		cli_error("shares from different sets (identifier mismatch) at share %zu", share);
		break;
	case SLIP39_E_PARAMS_MISMATCH:
		cli_error("share %zu does not match the others (extendable flag, iteration "
			  "exponent, group threshold or count, or length)",
			  share);
		break;
	case SLIP39_E_MEMBER_THRESHOLD_MISMATCH:
		cli_error("member threshold mismatch in group %u at share %zu", w->group, share);
		break;
	case SLIP39_E_DUPLICATE_MEMBER:
		cli_error("duplicate member index %u in group %u", w->member, w->group);
		break;
	case SLIP39_E_GROUP_COMPLETE:
		cli_error("share %zu is one more than group %u needs", share, w->group);
		break;
	case SLIP39_E_TOO_MANY_GROUPS:
		cli_error("share %zu is from one group more than the group threshold", share);
		break;
	default:
		cli_error("share %zu: %s", share, slip39_strerror(err));
		break;
	}
}

/* combine's arguments: --passphrase-file F at most once, or help. Returns 1 when help was
 * shown, 0 to go on, -1 after printing why not. */
static int parse_combine(int argc, char **argv, const char **passfile)
{
	*passfile = NULL;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			usage(stdout);
			return 1;
		}
		if (strcmp(argv[i], "--passphrase-file") == 0 && i + 1 < argc &&
		    *passfile == NULL) {
			*passfile = argv[++i];
			continue;
		}
		cli_error("combine: unexpected argument '%.40s' (see --help)", argv[i]);
		return -1;
	}
	return 0;
}

/* Every non-blank line of in[inlen] into the collector, one share each. Returns CLI_OK, or the
 * exit code after saying which share was refused. */
static int add_shares(struct slip39_collector *c, const unsigned char *in, size_t inlen)
{
	struct slip39_where w = { 0 };
	size_t share = 0, pos = 0;

	while (pos < inlen) {
		const char *line = (const char *)in + pos;
		size_t n = 0, blank = 1;
		int err;

		while (pos + n < inlen && line[n] != '\n')
			n++;
		pos += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		for (size_t k = 0; k < n; k++)
			if (line[k] != ' ')
				blank = 0;
		if (blank)
			continue;
		share++;
		err = slip39_collector_add(c, line, n, &w);
		if (err != SLIP39_OK) {
			report_share(err, share, &w);
			return err == SLIP39_E_NOMEM ? CLI_USAGE : CLI_FAIL;
		}
	}
	return CLI_OK;
}

/* Why the shares did not combine; returns the exit code. */
static int report_combine(int err, const struct slip39_collector *c, const struct slip39_where *w)
{
	switch (err) {
	case SLIP39_E_NO_SHARES:
		cli_error("no shares on standard input");
		return CLI_FAIL;
	case SLIP39_E_MORE_SHARES:
		report_missing(c);
		return CLI_FAIL;
	case SLIP39_E_DIGEST:
		if (w->group != 0)
			cli_error("digest mismatch: a share is wrong (group %u)", w->group);
		else
			cli_error("digest mismatch: a share is wrong");
		return CLI_FAIL;
	case SLIP39_E_PASSPHRASE:
		cli_error("the passphrase must be printable ASCII (no other characters), at most "
			  "1024 characters");
		return CLI_USAGE;
	default:
		cli_error("%s", slip39_strerror(err));
		return CLI_USAGE;
	}
}

/* The secret as hex and a newline on standard output, through sodium_malloc memory. */
static int write_secret_hex(const unsigned char *secret, size_t len)
{
	char *hex = sodium_malloc(2 * len + 2);
	int ret = -1;

	if (hex == NULL) {
		cli_error("out of secure memory");
		return -1;
	}
	sodium_bin2hex(hex, 2 * len + 1, secret, len);
	hex[2 * len] = '\n';
	if (write_all(STDOUT_FILENO, hex, 2 * len + 1) != 0)
		cli_error("cannot write to standard output: %s", strerror(errno));
	else
		ret = 0;
	free_secret((unsigned char *)hex, 2 * len + 2);
	return ret;
}

static int combine_main(int argc, char **argv)
{
	struct slip39_collector *c = NULL;
	struct slip39_where w = { 0 };
	unsigned char *in = NULL, *pass = NULL, *secret = NULL;
	const char *passfile;
	size_t inlen = 0, passlen = 0, len = 0;
	int ret = CLI_USAGE, err;

	switch (parse_combine(argc, argv, &passfile)) {
	case 1:
		return CLI_OK;
	case -1:
		return CLI_USAGE;
	}
	if (read_passphrase(passfile, &pass, &passlen) != 0)
		goto out;
	if (cli_read_all(STDIN_FILENO, MNEMONICS_INPUT_MAX, 1, &in, &inlen) != 0) {
		cli_error("cannot read the mnemonics from standard input (at most %d bytes)",
			  MNEMONICS_INPUT_MAX);
		goto out;
	}
	if (slip39_collector_new(&c) != SLIP39_OK) {
		cli_error("out of secure memory");
		goto out;
	}
	ret = add_shares(c, in, inlen);
	if (ret != CLI_OK)
		goto out;
	err = slip39_collector_combine(c, pass, passlen, &secret, &len, &w);
	if (err != SLIP39_OK)
		ret = report_combine(err, c, &w);
	else if (write_secret_hex(secret, len) != 0)
		ret = CLI_USAGE;
out:
	free_secret(secret, len);
	free_secret(in, MNEMONICS_INPUT_MAX + 1);
	free_secret(pass, SLIP39_PASSPHRASE_MAX + 3);
	slip39_collector_free(c);
	return ret;
}

static const struct cli_command verbs[] = {
	{ "split", split_main, "a secret into mnemonics" },
	{ "combine", combine_main, "mnemonics into the secret" },
};

int cmd_slip39(int argc, char **argv)
{
	return cli_dispatch("slip39", verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
