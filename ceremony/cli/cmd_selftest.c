/* ceremony selftest: the known-answer tests the go/no-go also runs. */
#include <stdio.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "ceremony/checks/selftest.h"

int cmd_selftest(int argc, char **argv)
{
	struct selftest_result r[SELFTEST_COUNT];
	char detail[256];
	int rc;

	if (argc == 2 && cli_is_help(argv[1])) {
		puts("usage: ceremony selftest\n\nRuns the known-answer self-tests: SHA-256, "
		     "SLIP-39 (published vectors,\nrefusals, a split and combine), RFC 5649 key "
		     "wrap, Ed25519 (RFC 8032 and the\ntranscript signature), ECDSA (NIST P-256 "
		     "example, P-256 and P-384 pairs), the\nrandom generator. Exit 0 when all "
		     "pass, 1 otherwise.");
		return CLI_OK;
	}
	if (argc != 1) {
		cli_error("selftest takes no arguments");
		return CLI_USAGE;
	}
	rc = selftest_run_all(r, detail, sizeof(detail));
	for (size_t i = 0; i < SELFTEST_COUNT; i++)
		printf("%-12s %s\n", r[i].name, r[i].passed ? "ok" : "FAILED");
	printf("%s\n", detail);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}
