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

enum media_err media_manifest_parse(const unsigned char *text, size_t len, struct media_manifest *m)
{
	size_t pos = 0;

	m->count = 0;
	m->entries = NULL;
	while (pos < len) {
		const unsigned char *nl = memchr(text + pos, '\n', len - pos);
		size_t line, name_len;
		char name[MEDIA_NAME_MAX + 1];
		unsigned char sha[32];
		int ret;

		if (nl == NULL)
			goto bad; /* every line ends in LF */
		line = (size_t)(nl - (text + pos));
		if (line < 64 + 2 + 1 || !lower_hex(text + pos, 64) || text[pos + 64] != ' ' ||
		    text[pos + 65] != ' ')
			goto bad;
		name_len = line - 66;
		if (name_len > MEDIA_NAME_MAX)
			goto bad;
		memcpy(name, text + pos + 66, name_len);
		name[name_len] = '\0';
		if (strlen(name) != name_len ||
		    sodium_hex2bin(sha, sizeof(sha), (const char *)text + pos, 64, NULL, NULL,
				   NULL) != 0)
			goto bad;
		ret = media_manifest_add(m, name, sha);
		if (ret == MEDIA_E_NOMEM) {
			media_manifest_free(m);
			return ret;
		}
		if (ret != MEDIA_OK)
			goto bad;
		pos += line + 1;
	}
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
