/*
 * Ceremony scripts: bytes -> printable-UTF-8 check -> YAML events (libyaml) -> a small tree
 * with line numbers -> typed sections -> rules -> plan. Each stage refuses what it does not
 * expect, naming the line. The top of the reader (script_impl.h lists its modules in order).
 */
#include "ceremony/script/script.h"
#include "ceremony/script/script_fields.h"
#include "ceremony/base/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum script_err parse_root(struct script_parse *p, const struct ynode *root)
{
	static const char *const keys[] = {
	    "version", "id",	 "title",   "profile", "participants", "custodian-sets",
	    "keys",    "inputs", "outputs", "media",   "steps",	       NULL};
	static enum script_err (*const sections[])(struct script_parse *, const struct ynode *) = {
	    script_parse_participants, script_parse_sets, script_parse_media,
	    script_parse_inputs,       script_parse_keys, script_parse_outputs,
	    script_parse_steps,
	};
	struct script_plan *plan = p->plan;
	unsigned profile = 0;

	if (root->type != Y_MAP)
		return script_fail(&p->c, root->line, SCRIPT_E_SCHEMA,
				   "a script is a mapping (version, id, title, ...)");
	/* The version first: a later version's keys would read as unknown keys. */
	if (field_uint(p, root, "the script", "version", FIELD_REQ, 0, 999999, &plan->version,
		       NULL) != SCRIPT_OK)
		return script_failed(&p->c);
	if (plan->version != SCRIPT_VERSION)
		return script_fail(&p->c, field_line(root, "version"), SCRIPT_E_RANGE,
				   "script version %u is not supported (this program reads "
				   "version %d)",
				   plan->version, SCRIPT_VERSION);
	if (field_map(&p->c, root, "the script", keys) != SCRIPT_OK ||
	    field_id(p, root, "the script", "id", FIELD_REQ, SCRIPT_CEREMONY_ID_MAX, &plan->id) !=
		SCRIPT_OK ||
	    field_text(p, root, "the script", "title", FIELD_REQ, SCRIPT_NAME_MAX, &plan->title) !=
		SCRIPT_OK ||
	    field_enum(p, root, "the script", "profile", FIELD_REQ, &script_profiles, &profile) !=
		SCRIPT_OK)
		return script_failed(&p->c);
	plan->profile = (enum script_profile)profile;
	/* Sections in dependency order, whatever their order in the file. */
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (sections[i](p, root) != SCRIPT_OK)
			return script_failed(&p->c);
	return script_check_rules(&p->c);
}

/* The line holding byte offset off (1-based). */
static unsigned line_at(const unsigned char *buf, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n' && line < UINT_MAX)
			line++;
	return line;
}

enum script_err script_parse(const unsigned char *buf, size_t len, struct script_plan **out,
			     struct script_error *err)
{
	struct script_parse p;
	struct ynode *root;
	size_t bad = 0;

	memset(&p, 0, sizeof(p));
	memset(err, 0, sizeof(*err));
	p.c.err = err;
	*out = NULL;
	if (len > SCRIPT_MAX_BYTES) {
		script_fail(&p.c, line_at(buf, SCRIPT_MAX_BYTES), SCRIPT_E_TOO_BIG,
			    "the script is larger than %d bytes", SCRIPT_MAX_BYTES);
		return err->code;
	}
	if (utf8_printable(buf, len, UTF8_NEWLINE, &bad) != 0) {
		const char *what = "a character that is not printable UTF-8";

		if (buf[bad] == '\t')
			what = "a tab (indent with spaces)";
		else if (buf[bad] == '\r')
			what = "a carriage return (use LF line ends)";
		script_fail(&p.c, line_at(buf, bad), SCRIPT_E_TEXT, "%s at byte %zu", what, bad);
		return err->code;
	}
	p.plan = calloc(1, sizeof(*p.plan));
	if (p.plan == NULL) {
		script_nomem(&p.c);
		return err->code;
	}
	p.c.plan = p.plan;
	crypto_hash_sha256(p.plan->sha256, buf, len);
	if (script_yaml_tree(&p.c, &p.tree, buf, len, &root) == SCRIPT_OK)
		parse_root(&p, root);
	script_arena_free(&p.tree);
	if (p.c.failed) {
		script_arena_free(&p.mem);
		free(p.plan);
		return err->code;
	}
	p.plan->arena = malloc(sizeof(struct script_arena));
	if (p.plan->arena == NULL) {
		script_arena_free(&p.mem);
		free(p.plan);
		script_nomem(&p.c);
		return err->code;
	}
	memcpy(p.plan->arena, &p.mem, sizeof(p.mem));
	*out = p.plan;
	return SCRIPT_OK;
}

enum script_err script_load(const char *path, struct script_plan **out, struct script_error *err)
{
	unsigned char *buf = NULL;
	size_t have = 0;
	struct stat st;
	enum script_err ret;
	int fd;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		goto io;
	if (fstat(fd, &st) != 0)
		goto io;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto io;
	}
	/* One byte over the limit tells "too big" from "exactly the limit". */
	buf = malloc(SCRIPT_MAX_BYTES + 1);
	if (buf == NULL) {
		close(fd);
		err->code = SCRIPT_E_NOMEM;
		snprintf(err->message, sizeof(err->message), "out of memory");
		return err->code;
	}
	while (have < SCRIPT_MAX_BYTES + 1) {
		ssize_t n = read(fd, buf + have, SCRIPT_MAX_BYTES + 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto io;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	ret = script_parse(buf, have, out, err);
	free(buf);
	return ret;
io:
	err->code = SCRIPT_E_IO;
	snprintf(err->message, sizeof(err->message), "cannot read the script: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	free(buf);
	return err->code;
}

void script_free(struct script_plan *plan)
{
	if (plan == NULL)
		return;
	script_arena_free(plan->arena);
	free(plan->arena);
	free(plan);
}
