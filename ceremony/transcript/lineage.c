#include "ceremony/transcript/lineage.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/transcript/transcript_format.h"
#include "ceremony/transcript/transcript_verify.h"

struct walk {
	struct lineage *l;
	enum lineage_err err;
};

const char *lineage_strerror(enum lineage_err err)
{
	switch (err) {
	case LINEAGE_E_SIGNED_: /* never returned */
		break;
	case LINEAGE_OK:
		return "ok";
	case LINEAGE_E_NOMEM:
		return "out of memory";
	case LINEAGE_E_INVALID:
		return "the transcript does not verify";
	case LINEAGE_E_OPEN:
		return "the ceremony of that transcript was not closed";
	case LINEAGE_E_LIMIT:
		return "the transcript names more keys or share sets than can be followed";
	}
	return "unknown error";
}

const struct lineage_key *lineage_key(const struct lineage *l, const char *name)
{
	for (size_t i = 0; i < l->nkeys; i++)
		if (strcmp(l->keys[i].name, name) == 0)
			return &l->keys[i];
	return NULL;
}

static struct lineage_key *key_for(struct walk *w, const json_t *data)
{
	const char *name = json_string_value(json_object_get(data, "key"));
	struct lineage *l = w->l;
	struct lineage_key *k =
	    (struct lineage_key *)(uintptr_t)(name ? lineage_key(l, name) : NULL);

	if (name == NULL || k != NULL)
		return k;
	if (l->nkeys == LINEAGE_KEYS_MAX || strlen(name) > LINEAGE_NAME_MAX) {
		w->err = LINEAGE_E_LIMIT;
		return NULL;
	}
	k = &l->keys[l->nkeys++];
	snprintf(k->name, sizeof(k->name), "%s", name);
	return k;
}

/* A hex field already checked by the verifier, into out (n octets); 0 when absent. */
static int hex_field(const json_t *data, const char *field, uint8_t *out, size_t n)
{
	const char *s = json_string_value(json_object_get(data, field));

	if (s == NULL || strlen(s) != 2 * n)
		return 0;
	tformat_unhex(s, 2 * n, out);
	return 1;
}

/* Public key facts the verifier has already checked for consistency (same name, same key). */
static void learn_key(struct lineage_key *k, const json_t *data)
{
	const char *spki = json_string_value(json_object_get(data, "spki"));

	if (hex_field(data, "spki_sha256", k->spki_sha256, 32))
		k->has_spki_sha256 = true;
	if (hex_field(data, "check_value", k->check_value, 32))
		k->has_check_value = true;
	if (spki != NULL && k->spki_len == 0 && strlen(spki) / 2 <= LINEAGE_SPKI_MAX) {
		k->spki_len = strlen(spki) / 2;
		tformat_unhex(spki, 2 * k->spki_len, k->spki);
	}
}

static struct lineage_set *set_for(struct walk *w, struct lineage_key *k, json_int_t id)
{
	if (id < 0 || id > 0x7FFF)
		return NULL;
	for (size_t i = 0; i < k->nsets; i++)
		if (k->sets[i].identifier == (uint16_t)id)
			return &k->sets[i];
	if (k->nsets == LINEAGE_SETS_MAX) {
		w->err = LINEAGE_E_LIMIT;
		return NULL;
	}
	k->sets[k->nsets].identifier = (uint16_t)id;
	k->sets[k->nsets].superseded = false;
	return &k->sets[k->nsets++];
}

/* key-retired: a key of another ceremony, kept apart from this ceremony's keys (a key
 * generated here to replace it may have the same name). */
static void learn_retired(struct walk *w, const json_t *data)
{
	const char *name = json_string_value(json_object_get(data, "key"));
	const char *ceremony = json_string_value(json_object_get(data, "ceremony"));
	struct lineage_retired *r;

	if (name == NULL || ceremony == NULL)
		return;
	if (w->l->nretired == LINEAGE_KEYS_MAX || strlen(name) > LINEAGE_NAME_MAX ||
	    strlen(ceremony) > LINEAGE_NAME_MAX) {
		w->err = LINEAGE_E_LIMIT;
		return;
	}
	r = &w->l->retired[w->l->nretired++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->ceremony, sizeof(r->ceremony), "%s", ceremony);
	r->has_fpr = hex_field(data, "spki_sha256", r->fpr, 32) ||
		     hex_field(data, "check_value", r->fpr, 32);
}

const struct lineage_retired *lineage_retired(const struct lineage *l, const char *name,
					      const char *ceremony, const uint8_t *fpr)
{
	for (size_t i = 0; i < l->nretired; i++) {
		const struct lineage_retired *r = &l->retired[i];

		if (strcmp(r->name, name) == 0 && strcmp(r->ceremony, ceremony) == 0)
			return r;
		if (fpr != NULL && r->has_fpr && sodium_memcmp(r->fpr, fpr, 32) == 0)
			return r;
	}
	return NULL;
}

static int on_record(void *ctx, size_t seq, const json_t *rec)
{
	struct walk *w = ctx;
	const char *event = json_string_value(json_object_get(rec, "event"));
	const json_t *data = json_object_get(rec, "data");
	struct lineage_key *k;
	struct lineage_set *set;

	(void)seq;
	if (event == NULL)
		return 0;
	if (strcmp(event, "key-generated") == 0 || strcmp(event, "key-reconstructed") == 0 ||
	    (strcmp(event, "input-imported") == 0 && json_object_get(data, "key") != NULL)) {
		if ((k = key_for(w, data)) != NULL)
			learn_key(k, data);
	} else if (strcmp(event, "key-revealed") == 0) {
		if ((k = key_for(w, data)) != NULL) {
			learn_key(k, data);
			k->revealed = k->revealed || json_object_get(data, "file") != NULL;
		}
	} else if (strcmp(event, "share-written") == 0) {
		/* The engine records the set's identifier with every share it writes. */
		json_t *id = json_object_get(data, "identifier");

		if (json_is_integer(id) && (k = key_for(w, data)) != NULL)
			set_for(w, k, json_integer_value(id));
	} else if (strcmp(event, "key-retired") == 0) {
		learn_retired(w, data);
	} else if (strcmp(event, "shares-superseded") == 0) {
		k = key_for(w, data);
		set = k ? set_for(w, k, json_integer_value(json_object_get(data, "identifier")))
			: NULL;
		if (set != NULL)
			set->superseded = true;
	}
	return w->err != LINEAGE_OK;
}

enum lineage_err lineage_read(const uint8_t *buf, size_t len, struct lineage *out)
{
	struct walk w = {out, LINEAGE_OK};
	struct transcript_verify_opts opts = {NULL, on_record, &w};
	struct transcript_summary sum;
	enum transcript_err e;
	const char *ceremony;

	memset(out, 0, sizeof(*out));
	e = transcript_verify(buf, len, &opts, &sum, &out->failure);
	out->records = sum.records;
	ceremony = json_string_value(json_object_get(sum.start, "ceremony"));
	if (ceremony != NULL)
		snprintf(out->ceremony, sizeof(out->ceremony), "%s", ceremony);
	out->rehearsal = json_is_true(json_object_get(sum.start, "rehearsal"));
	memcpy(out->final_digest, sum.final_digest, 32);
	transcript_summary_free(&sum);
	if (w.err != LINEAGE_OK)
		return w.err;
	if (e == TRANSCRIPT_E_NOMEM)
		return LINEAGE_E_NOMEM;
	if (e != TRANSCRIPT_OK)
		return LINEAGE_E_INVALID;
	if (sum.outcome != TRANSCRIPT_CLOSED)
		return LINEAGE_E_OPEN;
	return LINEAGE_OK;
}

enum lineage_set_state lineage_set_state(const struct lineage_key *k, uint16_t identifier)
{
	for (size_t i = 0; i < k->nsets; i++)
		if (k->sets[i].identifier == identifier)
			return k->sets[i].superseded ? LINEAGE_SET_SUPERSEDED : LINEAGE_SET_CURRENT;
	return LINEAGE_SET_UNKNOWN;
}

int lineage_current_set(const struct lineage_key *k, uint16_t *identifier)
{
	size_t n = 0;

	for (size_t i = 0; i < k->nsets; i++)
		if (!k->sets[i].superseded) {
			*identifier = k->sets[i].identifier;
			n++;
		}
	return n == 1;
}
