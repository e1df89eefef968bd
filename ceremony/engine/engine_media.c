/* The engine's media (engine_media.h). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "media/medium.h"

#include <sys/stat.h>

int engine_medium_path(const struct engine *e, const struct script_medium *m, char *out,
		       size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", e->o->media_dir, m->id);

	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int engine_file_path(const struct engine *e, const struct script_medium *m, const char *file,
		     char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s/%s", e->o->media_dir, m->id, file);

	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/* What a person at the console can do about a medium that failed. */
static const char *remedy(enum media_err rc)
{
	switch (rc) {
	case MEDIA_E_NOSPACE:
		return "replace it with an empty medium";
	case MEDIA_E_READONLY:
	case MEDIA_E_PERM:
		return "unlock it (write protection) or insert a writable medium";
	case MEDIA_E_GONE:
	case MEDIA_E_IO:
		return "check the medium and its connection, or insert another";
	case MEDIA_E_EXISTS:
		return "nothing is ever overwritten: insert an empty medium";
	case MEDIA_E_MANIFEST:
	case MEDIA_E_MANIFEST_NOTREG:
	case MEDIA_E_NOTREG:
	case MEDIA_E_INCOMPLETE:
		return "insert an empty medium";
	default:
		return "check the medium";
	}
}

int engine_medium_missing(const struct engine *e, const struct script_medium *m, char *msg,
			  size_t n)
{
	char path[4096];
	struct stat st;
	int r;

	if (engine_medium_path(e, m, path, sizeof(path)) != 0) {
		snprintf(msg, n, "medium '%s': its path is too long", m->id);
		return 1;
	}
	r = stat(path, &st);
	if (r == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (r == 0 || errno == ENOENT || errno == ENOTDIR)
		snprintf(msg, n, "medium '%s' is not present at %.3000s: insert it", m->id, path);
	else
		snprintf(msg, n, "medium '%s' at %.3000s cannot be opened (%s): check it or insert "
			 "another", m->id, path, strerror(errno));
	return 1;
}

enum step_rc engine_media_fail(struct engine *e, enum step_rc kind, const struct script_medium *m,
			       const char *doing, const char *file, enum media_err rc)
{
	char msg[4200], path[4096];

	if (engine_medium_missing(e, m, msg, sizeof(msg)))
		return engine_fail(e, kind, "%s", msg);
	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		path[0] = '\0';
	return engine_fail(e, kind, "medium '%s' at %s: %s%s%s: %s: %s", m->id, path, doing,
			   file ? " " : "", file ? file : "", media_strerror(rc), remedy(rc));
}

/* Names from a medium are untrusted: shown and recorded as printable ASCII only. */
static void printable_name(const char *in, char *out, size_t outlen)
{
	size_t i = 0;

	for (; in[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
}

#define LEFTOVERS_SHOWN 8

struct leftovers {
	char names[LEFTOVERS_SHOWN][64];
	size_t n;
};

static void add_leftover(void *ctx, const char *name)
{
	struct leftovers *l = ctx;

	if (l->n < LEFTOVERS_SHOWN)
		printable_name(name, l->names[l->n], sizeof(l->names[0]));
	l->n++;
}

enum step_rc engine_say_leftovers(struct engine *e, const struct script_medium *m)
{
	size_t index = (size_t)(m - e->plan->media);
	struct media_medium *mm = NULL;
	struct leftovers l;
	char path[4096], list[LEFTOVERS_SHOWN * 66] = "";
	json_t *files;

	if (index >= SCRIPT_MAX_MEDIA || e->leftovers_seen[index])
		return STEP_OK;
	if (engine_medium_path(e, m, path, sizeof(path)) != 0 ||
	    media_open_dir(path, 0, &mm) != MEDIA_OK)
		return STEP_OK; /* not here yet: looked at when it is used */
	e->leftovers_seen[index] = true;
	memset(&l, 0, sizeof(l));
	media_leftovers(mm, add_leftover, &l);
	media_close(mm);
	if (l.n == 0)
		return STEP_OK;
	files = json_array();
	for (size_t i = 0; i < l.n && i < LEFTOVERS_SHOWN; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 l.names[i]);
		json_array_append_new(files, json_string(l.names[i]));
	}
	/* Never a file of this ceremony: a reader refuses the name (docs/media.md, section 3). */
	prompt_say(e->p, PROMPT_WARN,
		   "  medium %s holds %zu unfinished write%s left by an interrupted run: %s%s",
		   m->id, l.n, l.n == 1 ? "" : "s", list, l.n > LEFTOVERS_SHOWN ? ", ..." : "");
	prompt_say(e->p, PROMPT_WARN,
		   "  they are not files and are ignored; destroy them when the medium is cleared");
	return engine_record(e, &engine_system, "note",
			     json_pack("{s:s,s:s,s:I,s:o}", "text",
				       "unfinished writes of an interrupted run are on a medium; "
				       "they are ignored",
				       "medium", m->id, "count", (json_int_t)l.n, "files", files));
}

void engine_medium_replaced(struct engine *e, const struct script_medium *m)
{
	size_t index = (size_t)(m - e->plan->media);

	if (index < SCRIPT_MAX_MEDIA)
		e->leftovers_seen[index] = false;
}

/* An identical file already there (a write that failed after its rename, the medium put back)
 * is taken as written, and listed if it is not. MEDIA_E_EXISTS for any other file. */
static enum media_err same_file(struct media_medium *mm, const char *file, const uint8_t *data,
				size_t len)
{
	unsigned char *old = NULL;
	size_t olen = 0;
	int listed = 0;
	enum media_err rc = media_read(mm, file, len, 0, &old, &olen, &listed);

	if (rc == MEDIA_E_TOOBIG || (rc == MEDIA_OK && (olen != len || memcmp(old, data, len))))
		rc = MEDIA_E_EXISTS;
	free(old);
	if (rc == MEDIA_OK && !listed)
		rc = media_adopt(mm, file);
	return rc;
}

static enum step_rc write_file(struct engine *e, const struct script_medium *m, const char *file,
			       const uint8_t *data, size_t len, uint8_t sha256[32], bool again)
{
	char path[4096];
	struct media_medium *mm = NULL;
	struct engine_artifact *a;
	enum step_rc said;
	enum media_err rc;

	if (e->nartifacts == ENGINE_MAX_ARTIFACTS)
		return engine_fail(e, STEP_ERROR, "too many artifacts");
	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return engine_fail(e, STEP_ERROR, "medium path too long");
	if ((said = engine_say_leftovers(e, m)) != STEP_OK)
		return said;
	rc = media_open_dir(path, 1, &mm);
	if (rc != MEDIA_OK)
		return engine_media_fail(e, STEP_ERROR, m, "opening it", NULL, rc);
	rc = media_write(mm, file, data, len);
	if (rc == MEDIA_E_EXISTS && again)
		rc = same_file(mm, file, data, len);
	if (rc != MEDIA_OK) {
		media_close(mm);
		return engine_media_fail(e, STEP_ERROR, m, "writing", file, rc);
	}
	rc = media_close(mm);
	if (rc != MEDIA_OK)
		return engine_media_fail(e, STEP_ERROR, m, "closing it", NULL, rc);
	a = &e->artifacts[e->nartifacts++];
	snprintf(a->medium, sizeof(a->medium), "%s", m->id);
	snprintf(a->file, sizeof(a->file), "%s", file);
	crypto_hash_sha256(a->sha256, data, len);
	if (sha256)
		memcpy(sha256, a->sha256, 32);
	return STEP_OK;
}

enum step_rc engine_write(struct engine *e, const struct script_medium *m, const char *file,
			  const uint8_t *data, size_t len, uint8_t sha256[32])
{
	return write_file(e, m, file, data, len, sha256, false);
}

enum step_rc engine_write_again(struct engine *e, const struct script_medium *m, const char *file,
				const uint8_t *data, size_t len, uint8_t sha256[32])
{
	return write_file(e, m, file, data, len, sha256, true);
}


enum media_err engine_read_file(struct engine *e, const struct script_medium *m, const char *file,
				size_t max, unsigned flags, unsigned char **out, size_t *len)
{
	struct media_medium *mm = NULL;
	char path[4096];
	enum media_err rc;
	int listed = 0;

	*out = NULL;
	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return MEDIA_E_NAME;
	rc = media_open_dir(path, 0, &mm);
	if (rc != MEDIA_OK)
		return rc;
	rc = media_read(mm, file, max, flags, out, len, &listed);
	media_close(mm);
	return rc;
}

struct names {
	char (*name)[256];
	size_t n, cap;
};

static void add_name(void *ctx, const char *name, int status)
{
	struct names *l = ctx;

	/* A file SHA256SUMS lists but that is gone is no file to read. */
	if (status == MEDIA_E_MISSING || status == MEDIA_E_INCOMPLETE || strlen(name) > 255)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char(*more)[256] = realloc(l->name, cap * sizeof(*more));

		if (more == NULL)
			return;
		l->name = more;
		l->cap = cap;
	}
	snprintf(l->name[l->n++], 256, "%s", name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

enum media_err engine_list_files(struct engine *e, const struct script_medium *m,
				 void (*fn)(void *ctx, const char *name), void *ctx)
{
	struct media_medium *mm = NULL;
	struct names l = { NULL, 0, 0 };
	char path[4096];
	enum media_err rc;

	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return MEDIA_E_NAME;
	rc = media_open_dir(path, 0, &mm);
	if (rc != MEDIA_OK)
		return rc;
	/* media_verify names every file, listed or not; a mismatch is found again on reading. */
	rc = media_verify(mm, add_name, &l);
	media_close(mm);
	if (rc == MEDIA_E_MANIFEST || rc == MEDIA_E_IO) {
		free(l.name);
		return rc;
	}
	if (l.n > 1)
		qsort(l.name, l.n, sizeof(*l.name), name_cmp);
	for (size_t i = 0; i < l.n; i++)
		if (i == 0 || strcmp(l.name[i], l.name[i - 1]) != 0)
			fn(ctx, l.name[i]);
	free(l.name);
	return MEDIA_OK;
}

