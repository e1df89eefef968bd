/* ceremony: the offline key ceremony appliance. Dispatches to one subcommand per file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"

static const struct cli_command commands[] = {
	{ "run", cmd_run, "run a ceremony script, step by step" },
	{ "script", cmd_script, "check a ceremony script, or print it for participants" },
	{ "transcript", cmd_transcript, "verify or show a ceremony transcript" },
	{ "cert", cmd_cert, "inspect or lint a certificate, CSR or CRL" },
	{ "slip39", cmd_slip39, "split a secret into SLIP-39 shares, or combine them" },
	{ "qr", cmd_qr, "encode a payload as QR codes, or decode QR images" },
	{ "media", cmd_media, "list removable media" },
	{ "selftest", cmd_selftest, "run the known-answer self-tests" },
};

static void usage(FILE *f)
{
	fputs("usage: ceremony <command> [arguments]\n"
	      "       ceremony <command> --help\n"
	      "       ceremony help [<command>]\n"
	      "       ceremony --version\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fputs("\nexit status: 0 ok, 1 verification or validation failed, 2 usage or "
	      "operational error\n",
	      f);
}

int main(int argc, char **argv)
{
	if (cli_harden() != 0) {
		cli_error("cannot harden the process (core dumps, dumpable flag, secure memory)");
		return CLI_USAGE;
	}
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	/* "help CMD" is "CMD --help": one usage text per command, wherever it is asked for. */
	if (strcmp(argv[1], "help") == 0 && argc == 3) {
		char *sub[] = { argv[2], (char *)(uintptr_t)"--help", NULL };

		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(argv[2], commands[i].name) == 0)
				return commands[i].run(2, sub);
		cli_error("unknown command '%.40s' (see 'ceremony help')", argv[2]);
		return CLI_USAGE;
	}
	if ((strcmp(argv[1], "help") == 0 && argc == 2) || cli_is_help(argv[1])) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("ceremony %s\n", CEREMONY_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%.40s' (see 'ceremony help')", argv[1]);
	return CLI_USAGE;
}
