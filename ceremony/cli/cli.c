#include "ceremony/cli/cli.h"
#include "ceremony/base/utf8.h"
#include "ceremony/base/wipe_alloc.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* The secure heap holds private key numbers while OpenSSL works on them (EC and RSA keys up to
 * 4096 bits with their CRT values fit many times over). */
#define SECURE_HEAP_SIZE (256 * 1024)
#define SECURE_HEAP_MIN 32

int cli_harden(void)
{
	struct rlimit nocore = { 0, 0 };

	/* The reference links the wiping allocator into every program that hardens itself, even
	 * one whose own objects never call malloc. */
	(void)wipe_alloc_active();

	if (setrlimit(RLIMIT_CORE, &nocore) != 0)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return -1;
	if (sodium_init() < 0)
		return -1;
	if (CRYPTO_secure_malloc_initialized() == 0 &&
	    CRYPTO_secure_malloc_init(SECURE_HEAP_SIZE, SECURE_HEAP_MIN) == 0)
		return -1;
	return 0;
}

/* Error messages quote what people typed and what files hold (a path, a command word, a field):
 * any of it may be bytes that are not printable UTF-8, which a terminal would act on (escape
 * sequences, a line break forging a second message, bidi overrides) or show as garbage. */
#define CLI_ERROR_MAX 1024

void cli_error(const char *fmt, ...)
{
	char msg[CLI_ERROR_MAX];
	size_t len, at = 0, bad;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = n < 0 ? 0 : (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	fputs("ceremony: ", stderr);
	/* Every byte that does not begin a printable character becomes '?'. */
	while (at < len &&
	       utf8_printable((const unsigned char *)msg + at, len - at, 0, &bad) != 0) {
		fwrite(msg + at, 1, bad, stderr);
		fputc('?', stderr);
		at += bad + 1;
	}
	fwrite(msg + at, 1, len - at, stderr);
	fputc('\n', stderr);
}

int cli_dispatch(const char *command, const struct cli_command *verbs, size_t nverbs,
		 void (*usage)(FILE *f), int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < nverbs; i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	cli_error("unknown %s command '%.40s' (see 'ceremony %s --help')", command, argv[1],
		  command);
	return CLI_USAGE;
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_read_all(int fd, size_t max, int secret, unsigned char **out, size_t *len)
{
	unsigned char *buf;
	size_t have = 0;
	int ret = -1;

	*out = NULL;
	*len = 0;
	/* One allocation of max+1 bytes: growing a secret buffer would leave copies behind. */
	buf = secret ? sodium_malloc(max + 1) : malloc(max + 1);
	if (buf == NULL)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + have, max + 1 - have);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > max) {
			ret = -2;
			goto out;
		}
	}
	buf[have] = '\0';
	*out = buf;
	*len = have;
	return 0;
out:
	if (secret) {
		sodium_memzero(buf, max + 1);
		sodium_free(buf);
	} else {
		free(buf);
	}
	return ret;
}
