/* Placeholder until this subcommand is built; replaced by its owner. */
#include "ceremony/cli.h"
#include "ceremony/cmd.h"

int cmd_transcript(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'transcript' is not built yet");
	return CLI_USAGE;
}
