/* The subcommands: one file each (cmd_<name>.c), one entry point each, dispatched by main.c. */
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
