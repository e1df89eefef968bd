/*
 * The subcommands: one file each (cmd_<name>.c), one entry point each, dispatched by main.c.
 * Each takes its own argv (argv[0] is its name) and returns an exit code (cli.h); what each
 * reads and prints is said at the top of its file.
 */
#ifndef CEREMONY_CMD_H
#define CEREMONY_CMD_H

int cmd_slip39(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_transcript(int argc, char **argv);
int cmd_qr(int argc, char **argv);
int cmd_media(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

#endif
