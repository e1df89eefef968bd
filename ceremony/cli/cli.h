/*
 * Conventions every subcommand shares. Only the CLI (main.c and cmd_*.c) prints and chooses
 * exit codes; the libraries below it return named error codes.
 *
 * Exit codes: CLI_OK 0, CLI_FAIL 1 (verification or validation failed), CLI_USAGE 2 (usage or
 * operational error).
 *
 * Secrets: cli_read_all keeps secret input in sodium_malloc memory when asked to; cli_error
 * prints what it is given, so it is never given a secret.
 */
#ifndef CEREMONY_CLI_H
#define CEREMONY_CLI_H

#include <stddef.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* One subcommand: argv[0] is the subcommand's name. Returns an exit code. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Process hardening before anything secret exists: core dumps off (RLIMIT_CORE 0),
 * PR_SET_DUMPABLE 0, sodium_init, OpenSSL's secure heap. Returns 0, or -1 if any step failed
 * (the caller must stop: running without it is not allowed). */
int cli_harden(void);

/* "ceremony: <message>" as one line on stderr. Never pass a secret. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads all of fd up to max bytes. With secret set the buffer is sodium_malloc'ed (free it
 * with sodium_free after sodium_memzero), otherwise malloc'ed; a NUL follows the data (not
 * counted in *len). Returns 0; -1 on a read error, -2 when the input exceeds max. On failure
 * *out is NULL and nothing is left allocated. */
int cli_read_all(int fd, size_t max, int secret, unsigned char **out, size_t *len);

/* The verbs of one command ("ceremony cert inspect ..."): runs the verb named by argv[1] with
 * argv + 1, prints usage for no verb (exit 2), -h, --help or "help" (exit 0), and names an unknown
 * verb in a one-line error (exit 2). */
int cli_dispatch(const char *command, const struct cli_command *verbs, size_t nverbs,
		 void (*usage)(FILE *f), int argc, char **argv);

/* True if argv[i] is -h or --help. */
int cli_is_help(const char *arg);

#endif
