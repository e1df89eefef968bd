#include "media/manifest.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "media/error.h"

void media_manifest_free(struct media_manifest *m)
{
	free(m->entries);
	m->entries = NULL;
	m->count = 0;
}

const struct media_manifest_entry *media_manifest_find(const struct media_manifest *m,
						       const char *name)
{
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->entries[i].name, name) == 0)
			return &m->entries[i];
	return NULL;
}

enum media_err media_manifest_add(struct media_manifest *m, const char *name,
				  const unsigned char sha[32])
{
	struct media_manifest_entry *e;

	if (!media_name_ok(name) || strcmp(name, MEDIA_MANIFEST_NAME) == 0)
		return MEDIA_E_NAME;
	if (media_manifest_find(m, name) != NULL)
		return MEDIA_E_EXISTS;
	if (m->count >= MEDIA_MANIFEST_MAX_ENTRIES)
		return MEDIA_E_TOOBIG;
	e = realloc(m->entries, (m->count + 1) * sizeof(*e));
	if (e == NULL)
		return MEDIA_E_NOMEM;
	m->entries = e;
	e += m->count;
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, strlen(name) + 1);
	memcpy(e->sha256, sha, 32);
	m->count++;
	return MEDIA_OK;
}

static int lower_hex(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

static int by_name(const void *a, const void *b)
{
	const struct media_manifest_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* 1 when two entries share a name, 0 when none do, -1 without memory. Sorting pointers keeps the
 * entries in the file's order. */
static int has_duplicate(const struct media_manifest *m)
{
	const struct media_manifest_entry **v;
	int dup = 0;

	if (m->count < 2)
		return 0;
	v = malloc(m->count * sizeof(*v));
	if (v == NULL)
		return -1;
	for (size_t i = 0; i < m->count; i++)
		v[i] = &m->entries[i];
	qsort(v, m->count, sizeof(*v), by_name);
	for (size_t i = 1; i < m->count && !dup; i++)
		dup = strcmp(v[i - 1]->name, v[i]->name) == 0;
	free(v);
	return dup;
}

/* The lines are counted first and the entries allocated once, and duplicates are found by
 * sorting: every write to a medium reads its manifest, and a batch step (sign-payloads) writes
 * hundreds of files, so reading n entries costs O(n log n), not O(n^2). */
enum media_err media_manifest_parse(const unsigned char *text, size_t len, struct media_manifest *m)
{
	size_t pos = 0, lines = 0;
	int dup;

	m->count = 0;
	m->entries = NULL;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (lines > MEDIA_MANIFEST_MAX_ENTRIES)
		return MEDIA_E_MANIFEST;
	if (lines > 0 && (m->entries = calloc(lines, sizeof(*m->entries))) == NULL)
		return MEDIA_E_NOMEM;
	while (pos < len) {
		const unsigned char *nl = memchr(text + pos, '\n', len - pos);
		struct media_manifest_entry *e;
		size_t line, name_len;

		if (nl == NULL)
			goto bad; /* every line ends in LF */
		e = &m->entries[m->count]; /* a LF ahead: one of the lines counted */
		line = (size_t)(nl - (text + pos));
		if (line < 64 + 2 + 1 || !lower_hex(text + pos, 64) || text[pos + 64] != ' ' ||
		    text[pos + 65] != ' ')
			goto bad;
		name_len = line - 66;
		if (name_len > MEDIA_NAME_MAX)
			goto bad;
		memcpy(e->name, text + pos + 66, name_len);
		e->name[name_len] = '\0';
		if (strlen(e->name) != name_len || !media_name_ok(e->name) ||
		    strcmp(e->name, MEDIA_MANIFEST_NAME) == 0 ||
		    sodium_hex2bin(e->sha256, sizeof(e->sha256), (const char *)text + pos, 64, NULL,
				   NULL, NULL) != 0)
			goto bad;
		m->count++;
		pos += line + 1;
	}
	dup = has_duplicate(m);
	if (dup < 0) {
		media_manifest_free(m);
		return MEDIA_E_NOMEM;
	}
	if (dup)
		goto bad;
	return MEDIA_OK;
bad:
	media_manifest_free(m);
	return MEDIA_E_MANIFEST;
}

enum media_err media_manifest_format(const struct media_manifest *m, char **text, size_t *len)
{
	size_t cap = 1, used = 0;
	char *t;

	*text = NULL;
	*len = 0;
	for (size_t i = 0; i < m->count; i++)
		cap += 64 + 2 + strlen(m->entries[i].name) + 1;
	t = malloc(cap);
	if (t == NULL)
		return MEDIA_E_NOMEM;
	for (size_t i = 0; i < m->count; i++) {
		size_t nl = strlen(m->entries[i].name);

		sodium_bin2hex(t + used, 65, m->entries[i].sha256, 32);
		used += 64;
		t[used++] = ' ';
		t[used++] = ' ';
		memcpy(t + used, m->entries[i].name, nl);
		used += nl;
		t[used++] = '\n';
	}
	t[used] = '\0';
	*text = t;
	*len = used;
	return MEDIA_OK;
}
