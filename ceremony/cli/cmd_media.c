/*
 * ceremony media: removable media and the directories that stand in for them. Lists devices,
 * mounts (nodev,nosuid,noexec; read-only unless --rw) and unmounts them, and writes, reads and
 * verifies files against the medium's SHA256SUMS (docs/media.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "media/blockdev.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/util.h"

#define MAX_DEVICES	 64
#define DEFAULT_MAX_READ (16u * 1024 * 1024)
#define MAX_WRITE	 (16u * 1024 * 1024)

static void usage(FILE *f)
{
	fputs(
	    "usage: ceremony media list [--all]\n"
	    "       ceremony media mount DEVICE DIR [--rw]\n"
	    "       ceremony media unmount DIR\n"
	    "       ceremony media write DIR NAME          (content on stdin)\n"
	    "       ceremony media read DIR NAME [--max BYTES] [--listed]\n"
	    "       ceremony media verify DIR\n"
	    "\n"
	    "list: removable disks and partitions (--all: every block device).\n"
	    "mount: nodev,nosuid,noexec, read-only unless --rw; vfat and ext4, iso9660 read-only.\n"
	    "unmount: syncs and unmounts, then says whether the medium is safe to remove.\n"
	    "write: a new file, written atomically and read back, never replacing one; its\n"
	    "SHA-256 goes into DIR/SHA256SUMS. read: the file on stdout, checked against\n"
	    "SHA256SUMS when listed (--listed: it must be). verify: every file against\n"
	    "SHA256SUMS, and nothing unlisted or left unfinished.\n",
	    f);
}

/* Shows untrusted text (a label, a file name from a medium) as printable ASCII only. */
static void printable(const char *in, char *out, size_t outlen)
{
	size_t i = 0;

	for (; in[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
}

static void human_size(uint64_t bytes, char *out, size_t outlen)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	snprintf(out, outlen, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static int cmd_list(int argc, char **argv)
{
	struct media_device *d;
	size_t n = 0;
	unsigned flags = 0;
	int ret;

	if (argc == 2 && strcmp(argv[1], "--all") == 0)
		flags = MEDIA_LIST_ALL;
	else if (argc != 1) {
		usage(stderr);
		return CLI_USAGE;
	}
	d = calloc(MAX_DEVICES, sizeof(*d));
	if (d == NULL) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	ret = media_devices(flags, d, MAX_DEVICES, &n);
	if (ret != MEDIA_OK) {
		cli_error("cannot list block devices: %s", media_strerror(ret));
		free(d);
		return CLI_USAGE;
	}
	if (n == 0)
		printf("no %sblock devices found\n", flags ? "" : "removable ");
	else
		printf("%-10s %-9s %-8s %-16s %-20s %s\n", "NAME", "SIZE", "FS", "LABEL", "SERIAL",
		       "MOUNTED");
	for (size_t i = 0; i < n && i < MAX_DEVICES; i++) {
		char size[16], mnt[256];

		human_size(d[i].size, size, sizeof(size));
		printable(d[i].mountpoint, mnt, sizeof(mnt));
		printf("%-10s %-9s %-8s %-16s %-20s %s%s\n", d[i].name, size,
		       d[i].fstype[0] ? d[i].fstype : "-", d[i].label[0] ? d[i].label : "-",
		       d[i].serial[0] ? d[i].serial : "-", mnt[0] ? mnt : "no",
		       d[i].readonly ? " (read-only device)" : "");
	}
	free(d);
	return CLI_OK;
}

static int cmd_mount(int argc, char **argv)
{
	int rw = argc == 4 && strcmp(argv[3], "--rw") == 0, ret;

	if (argc != 3 && !rw) {
		usage(stderr);
		return CLI_USAGE;
	}
	ret = media_mount(argv[1], argv[2], rw);
	if (ret != MEDIA_OK) {
		cli_error("%.200s: %s", argv[1], media_strerror(ret));
		return CLI_USAGE;
	}
	printf("%s mounted on %s (%s, nodev,nosuid,noexec)\n", argv[1], argv[2],
	       rw ? "read-write" : "read-only");
	return CLI_OK;
}

static int cmd_unmount(int argc, char **argv)
{
	int ret;

	if (argc != 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	ret = media_unmount(argv[1]);
	if (ret != MEDIA_OK) {
		cli_error("%.200s: %s: do not remove the medium", argv[1], media_strerror(ret));
		return CLI_USAGE;
	}
	printf("%s unmounted: safe to remove\n", argv[1]);
	return CLI_OK;
}

/* Operational failures (2) versus content that did not verify (1). */
static int exit_for(int ret)
{
	switch (ret) {
	case MEDIA_E_MISMATCH:
	case MEDIA_E_UNLISTED:
	case MEDIA_E_MISSING:
	case MEDIA_E_INCOMPLETE:
	case MEDIA_E_NOTREG:
	case MEDIA_E_MANIFEST_NOTREG:
	case MEDIA_E_MANIFEST:
	case MEDIA_E_READBACK:
		return CLI_FAIL;
	default:
		return CLI_USAGE;
	}
}

static int cmd_write(int argc, char **argv)
{
	struct media_medium *m;
	unsigned char *data;
	size_t len;
	int ret;

	if (argc != 3) {
		usage(stderr);
		return CLI_USAGE;
	}
	ret = media_open_dir(argv[1], 1, &m);
	if (ret != MEDIA_OK) {
		cli_error("%.200s: %s", argv[1], media_strerror(ret));
		return CLI_USAGE;
	}
	/* The content may be a share: keep it in locked memory. */
	if (cli_read_all(STDIN_FILENO, MAX_WRITE, 1, &data, &len) != 0) {
		cli_error("cannot read stdin (at most %u bytes)", MAX_WRITE);
		media_close(m);
		return CLI_USAGE;
	}
	ret = media_write(m, argv[2], data, len);
	sodium_memzero(data, len);
	sodium_free(data);
	if (ret == MEDIA_OK)
		ret = media_close(m);
	else
		media_close(m);
	if (ret != MEDIA_OK) {
		cli_error("%.200s/%.200s: %s", argv[1], argv[2], media_strerror(ret));
		return exit_for(ret);
	}
	printf("%s written and verified, listed in SHA256SUMS\n", argv[2]);
	return CLI_OK;
}

static int cmd_read(int argc, char **argv)
{
	struct media_medium *m;
	unsigned long max = DEFAULT_MAX_READ;
	unsigned flags = MEDIA_READ_SECRET;
	unsigned char *data;
	size_t len;
	int ret, listed, ok = 0;

	if (argc < 3) {
		usage(stderr);
		return CLI_USAGE;
	}
	for (int i = 3; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--listed") == 0) {
			flags |= MEDIA_READ_LISTED;
		} else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc && argv[i + 1][0] >= '0' &&
			   argv[i + 1][0] <= '9') {
			errno = 0;
			max = strtoul(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0')
				goto bad;
		} else {
			goto bad;
		}
	}
	ret = media_open_dir(argv[1], 0, &m);
	if (ret != MEDIA_OK) {
		cli_error("%.200s: %s", argv[1], media_strerror(ret));
		return CLI_USAGE;
	}
	ret = media_read(m, argv[2], max, flags, &data, &len, &listed);
	media_close(m);
	if (ret != MEDIA_OK) {
		cli_error("%.200s/%.200s: %s", argv[1], argv[2], media_strerror(ret));
		return exit_for(ret);
	}
	ok = write(STDOUT_FILENO, data, len) == (ssize_t)len;
	media_sfree(data);
	if (!ok) {
		cli_error("cannot write to stdout");
		return CLI_USAGE;
	}
	fprintf(stderr, "%s: %zu bytes, %s\n", argv[2], len,
		listed ? "matches SHA256SUMS" : "not listed in SHA256SUMS");
	return CLI_OK;
bad:
	usage(stderr);
	return CLI_USAGE;
}

static void report(void *ctx, const char *name, int status)
{
	char shown[256];
	const char *word = status == MEDIA_OK		  ? "OK"
			   : status == MEDIA_E_MISMATCH	  ? "MISMATCH"
			   : status == MEDIA_E_MISSING	  ? "MISSING"
			   : status == MEDIA_E_UNLISTED	  ? "UNLISTED"
			   : status == MEDIA_E_INCOMPLETE ? "INCOMPLETE"
			   : status == MEDIA_E_NOTREG	  ? "NOTFILE"
							  : "ERROR";

	(void)ctx;
	printable(name, shown, sizeof(shown));
	printf("%-10s %s\n", word, shown);
}

static int cmd_verify(int argc, char **argv)
{
	struct media_medium *m;
	int ret;

	if (argc != 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	ret = media_open_dir(argv[1], 0, &m);
	if (ret != MEDIA_OK) {
		cli_error("%.200s: %s", argv[1], media_strerror(ret));
		return CLI_USAGE;
	}
	ret = media_verify(m, report, NULL);
	media_close(m);
	if (ret != MEDIA_OK) {
		cli_error("%.200s: %s", argv[1], media_strerror(ret));
		return exit_for(ret);
	}
	return CLI_OK;
}

static const struct cli_command verbs[] = {
	{ "list", cmd_list, "removable media" },
	{ "mount", cmd_mount, "mount a medium" },
	{ "unmount", cmd_unmount, "sync and unmount" },
	{ "write", cmd_write, "write a new file atomically" },
	{ "read", cmd_read, "read a file" },
	{ "verify", cmd_verify, "check a medium against SHA256SUMS" },
};

int cmd_media(int argc, char **argv)
{
	return cli_dispatch("media", verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
