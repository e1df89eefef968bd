/* Rebuilding a key from a quorum of its custodians' shares. Each custodian in turn brings a share
 * the way they choose - their medium and its passphrase, the words from their card, or the
 * share's QR code - and each share is checked as it comes in: the right ceremony, key and share
 * set, not superseded by a reshare, rehearsal or production as this run, theirs, not given
 * twice. The program then says how many more are needed, and from which group. The rebuilt key
 * is proven against the public key (or check value) on record before anything uses it. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/people/copyback.h"
#include "ceremony/engine/engine_inputs.h"
#include "ceremony/engine/engine_keyfile.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_secrets.h"
#include "ceremony/engine/engine_steps.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/payload.h"
#include "media/qr_in.h"
#include "shamir/sharefile.h"

#define ENTRY_TRIES	 3 /* refused entries allowed per share needed, at a terminal */
#define SHARES_ON_MEDIUM 64

static const char *const sources[] = {"medium", "words", "qr"};
enum source { SRC_MEDIUM, SRC_WORDS, SRC_QR };

/* One share as it came in: its words (secret) and what is known about where it came from. */
struct entry {
	unsigned number; /* entry number, from 1 */
	const struct script_participant *who;
	enum source source;
	char *words; /* sodium_malloc'ed mnemonic, single spaces, lower case */
	size_t words_len;
	bool has_meta; /* from a share file */
	struct sharefile_meta meta;
	char file[SCRIPT_FILE_MAX + 1];
	uint8_t file_sha256[32];
};

static void entry_clear(struct entry *en)
{
	if (en->words != NULL) {
		sodium_memzero(en->words, en->words_len);
		sodium_free(en->words);
	}
	en->words = NULL;
	en->words_len = 0;
}

static enum step_rc collect_id(struct engine *e, char *id, size_t len, const char *key, unsigned n,
			       const char *field)
{
	if (prompt_id(id, len, PROMPT_ID_COLLECT, key, n, field) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for key %s", key);
	return STEP_OK;
}

/* --- the recorded key ------------------------------------------------------------------- */

/* What one earlier ceremony's transcript says the key is; every one that names the key, and
 * its certificate, must agree. */
static enum step_rc agree(struct engine *e, struct engine_key *k, const struct lineage *l,
			  const struct lineage_key *lk)
{
	bool symmetric = k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC;
	const uint8_t *fpr = symmetric ? lk->check_value : lk->spki_sha256;

	if (lk->revealed)
		return engine_fail(e, STEP_FAILED,
				   "'%s' was revealed by ceremony %s: it is public and is not "
				   "rebuilt",
				   k->sk->id, l->ceremony);
	if (!(symmetric ? lk->has_check_value : lk->has_spki_sha256))
		return STEP_OK;
	if (k->has_fpr && sodium_memcmp(k->fpr, fpr, 32) != 0)
		return engine_fail(
		    e, STEP_FAILED,
		    "ceremony %s recorded another '%s' than its certificate or another "
		    "ceremony's transcript says",
		    l->ceremony, k->sk->id);
	memcpy(k->fpr, fpr, 32);
	k->has_fpr = true;
	if (lk->spki_len != 0 && k->spki_len == 0) {
		memcpy(k->spki, lk->spki, lk->spki_len);
		k->spki_len = lk->spki_len;
	}
	return STEP_OK;
}

/* The public key (or check value) the rebuilt key must match: what the earlier ceremonies'
 * transcripts recorded, and the key's certificate. */
static enum step_rc recorded_key(struct engine *e, struct engine_key *k)
{
	bool symmetric = k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC;

	for (unsigned i = 0; i < e->plan->input_count; i++) {
		const struct lineage *l = e->inputs[i].lineage;
		/* A key a later ceremony retired is not the one that has its name now. */
		const struct lineage_key *lk =
		    l && !engine_key_retired(e, k->sk->id, l->ceremony) ? lineage_key(l, k->sk->id)
									  : NULL;
		enum step_rc rc = lk ? agree(e, k, l, lk) : STEP_OK;

		if (rc != STEP_OK)
			return rc;
	}
	if (!k->has_fpr)
		return engine_fail(e, STEP_FAILED,
				   "'%s' has no recorded %s to prove it against: the script needs "
				   "the earlier ceremony's transcript%s",
				   k->sk->id, symmetric ? "check value" : "public key",
				   symmetric || k->sk->kind == SCRIPT_KEY_CONTINGENCY
				       ? ""
				       : " or the key's certificate");
	return STEP_OK;
}

/* --- one share in ----------------------------------------------------------------------- */

/* Typed or scanned words as a mnemonic: lower case, single spaces, a word's first four letters
 * standing for it, read in constant time (copyback_mnemonic). *bad is the 1-based position of a
 * word not in the list. */
static char *normalise(const char *in, size_t len, size_t *outlen, size_t *bad)
{
	char *out = sodium_malloc(COPYBACK_MNEMONIC_MAX);
	size_t n;

	*bad = 0;
	if (out == NULL)
		return NULL;
	n = copyback_mnemonic(in, len, out, outlen, bad);
	if (*bad == 0 && n > 0)
		return out;
	sodium_memzero(out, COPYBACK_MNEMONIC_MAX);
	sodium_free(out);
	return NULL;
}

struct share_files {
	const char *key;
	size_t n;
	char name[SHARES_ON_MEDIUM][SCRIPT_FILE_MAX + 1];
};

static void add_share_file(void *ctx, const char *name)
{
	struct share_files *sf = ctx;
	size_t len = strlen(name);

	if (sf->n < SHARES_ON_MEDIUM && len <= SCRIPT_FILE_MAX && len > 6 &&
	    strcmp(name + len - 6, ".share") == 0)
		snprintf(sf->name[sf->n++], sizeof(sf->name[0]), "%s", name);
}

/* The custodian's share file of this key on their medium: of this key, and preferably of the
 * ceremony the script names (a custodian may also hold a share of an older set). */
static enum step_rc find_share_file(struct engine *e, const struct script_medium *m,
				    const struct script_key *sk, struct entry *en,
				    unsigned char **blob, size_t *blen)
{
	struct share_files *sf = calloc(1, sizeof(*sf));
	const char *ceremony = sk->input->ceremony;
	int best = -1, same = 0;
	enum media_err mrc;
	enum step_rc rc = STEP_OK;
	/* Why the first share file that could not be read was passed over: when no share is
	 * found, a damaged file is the likely reason, and the custodian is told which. */
	char why[SCRIPT_FILE_MAX + 80] = "";

	if (sf == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	mrc = engine_list_files(e, m, add_share_file, sf);
	for (size_t i = 0; mrc == MEDIA_OK && i < sf->n; i++) {
		struct sharefile_meta meta;
		unsigned char *b = NULL;
		size_t bl = 0;
		enum media_err r = engine_read_file(e, m, sf->name[i], SHAREFILE_MAX, 0, &b, &bl);
		enum sharefile_err serr;

		if (r != MEDIA_OK) {
			if (why[0] == '\0')
				snprintf(why, sizeof(why), ": %s: %s", sf->name[i],
					 media_strerror(r));
			continue;
		}
		serr = sharefile_peek(b, bl, &meta);
		if (serr != SHAREFILE_OK && why[0] == '\0')
			snprintf(why, sizeof(why), ": %s: %s", sf->name[i],
				 sharefile_strerror(serr));
		if (serr == SHAREFILE_OK && strcmp(meta.key_name, sk->id) == 0) {
			bool ours = strcmp(meta.ceremony_id, ceremony) == 0;

			if (best < 0 || (ours && !same)) {
				best = (int)i;
				en->meta = meta;
			}
			same += ours;
		}
		free(b);
	}
	if (mrc != MEDIA_OK)
		rc = engine_fail(e, STEP_FAILED, "medium %s: %s", m->id, media_strerror(mrc));
	else if (best < 0)
		rc = engine_fail(e, STEP_FAILED, "no share of '%s' on medium %s%s", sk->id, m->id,
				 why);
	else if (same > 1)
		rc = engine_fail(e, STEP_FAILED,
				 "medium %s holds %d shares of '%s' from ceremony %s: keep one",
				 m->id, same, sk->id, ceremony);
	if (rc == STEP_OK) {
		snprintf(en->file, sizeof(en->file), "%s", sf->name[best]);
		mrc =
		    engine_read_file(e, m, en->file, SHAREFILE_MAX, MEDIA_READ_LISTED, blob, blen);
		if (mrc != MEDIA_OK)
			rc = engine_fail(e, STEP_FAILED, "%s/%s: %s", m->id, en->file,
					 media_strerror(mrc));
	}
	free(sf);
	return rc;
}

/* What the share file's public header says, checked before the passphrase is asked. */
static enum step_rc check_meta(struct engine *e, const struct engine_key *k,
			       const struct sharefile_meta *meta)
{
	const struct script_key *sk = k->sk;

	if (meta->rehearsal != (e->o->rehearsal != 0))
		return engine_fail(e, STEP_FAILED, "this is a %s share: refused in %s",
				   meta->rehearsal ? "rehearsal" : "production",
				   e->o->rehearsal ? "a rehearsal" : "production");
	if (strcmp(meta->key_name, sk->id) != 0)
		return engine_fail(e, STEP_FAILED, "this is a share of '%s', not of '%s'",
				   meta->key_name, sk->id);
	if (sodium_memcmp(meta->key_fpr, k->fpr, 32) != 0)
		return engine_fail(e, STEP_FAILED,
				   "this share is of another key than the '%s' on record", sk->id);
	return STEP_OK;
}

static enum step_rc from_medium(struct engine *e, struct engine_key *k, struct entry *en)
{
	const struct script_medium *m = script_medium_of(e->plan, en->who);
	unsigned char *blob = NULL, *pass = NULL;
	size_t blen = 0, plen = 0;
	char id[ANSWERS_ID_MAX + 1], q[300];
	enum step_rc rc;
	enum sharefile_err src;
	int prc;

	if (m == NULL)
		return engine_fail(e, STEP_FAILED, "%s has no medium in the script", en->who->name);
	rc = find_share_file(e, m, k->sk, en, &blob, &blen);
	if (rc == STEP_OK) {
		en->has_meta = true;
		crypto_hash_sha256(en->file_sha256, blob, blen);
		rc = check_meta(e, k, &en->meta);
	}
	if (rc == STEP_OK)
		rc = collect_id(e, id, sizeof(id), k->sk->id, en->number, COLLECT_FIELD_PASSPHRASE);
	if (rc != STEP_OK) {
		free(blob);
		return rc;
	}
	snprintf(q, sizeof(q), "%s, type the passphrase of your share file %s:", en->who->name,
		 en->file);
	prc = prompt_secret(e->p, id, q, 0, NULL, NULL, NULL, &pass, &plen);
	if (prc != PROMPT_OK) {
		free(blob);
		return engine_prompt_rc(e, prc, id);
	}
	prompt_progress(e->p, "opening the share file", 0, 1);
	src = sharefile_open(blob, blen, (const char *)pass, plen, &en->meta, &en->words,
			     &en->words_len);
	prompt_progress(e->p, "opening the share file", 1, 1);
	prompt_secret_free(pass, plen);
	free(blob);
	if (src != SHAREFILE_OK)
		return engine_fail(e, STEP_FAILED, "%s/%s does not open: %s", m->id, en->file,
				   src == SHAREFILE_E_DECRYPT
				       ? "wrong passphrase, or the file was altered"
				       : sharefile_strerror(src));
	return STEP_OK;
}

static enum step_rc from_words(struct engine *e, const struct engine_key *k, struct entry *en)
{
	char id[ANSWERS_ID_MAX + 1], q[300];
	unsigned char *typed = NULL;
	size_t tlen = 0, bad = 0;
	enum step_rc rc = collect_id(e, id, sizeof(id), k->sk->id, en->number, COLLECT_FIELD_WORDS);
	int prc;

	if (rc != STEP_OK)
		return rc;
	snprintf(q, sizeof(q),
		 "%s, type the words of your card for '%s' (the first four letters of each are "
		 "enough):",
		 en->who->name, k->sk->id);
	prc = prompt_secret(e->p, id, q, 0, NULL, NULL, NULL, &typed, &tlen);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	en->words = normalise((const char *)typed, tlen, &en->words_len, &bad);
	prompt_secret_free(typed, tlen);
	if (en->words == NULL)
		return bad ? engine_fail(e, STEP_FAILED, "word %zu is not a SLIP-39 word", bad)
			   : engine_fail(e, STEP_FAILED, "no words were typed");
	return STEP_OK;
}

static enum step_rc from_qr(struct engine *e, const struct engine_key *k, struct entry *en)
{
	char id[ANSWERS_ID_MAX + 1], what[160], prefix[2 * SCRIPT_ID_MAX + 2];
	struct media_payload_info info;
	struct media_rx *rx = NULL;
	const unsigned char *payload;
	size_t len = 0, bad = 0;
	enum step_rc rc = collect_id(e, id, sizeof(id), k->sk->id, en->number, COLLECT_FIELD_QR);

	if (rc != STEP_OK)
		return rc;
	snprintf(what, sizeof(what), "%s's share of '%s'", en->who->name, k->sk->id);
	snprintf(prefix, sizeof(prefix), "%s-%s", k->sk->id, en->who->id);
	rc = engine_qr_receive(e, id, what, prefix, SLIP39_MNEMONIC_MAX, &rx);
	if (rc != STEP_OK)
		return rc;
	media_rx_payload(rx, &payload, &len);
	/* The words are read first, in constant time; media_payload_detect branches on every letter
	 * and word length, so it only looks at what is no share, to say so. */
	en->words = normalise((const char *)payload, len, &en->words_len, &bad);
	if (en->words == NULL && (media_payload_detect(payload, len, &info) != MEDIA_OK ||
				  info.type != MEDIA_PAYLOAD_SHARE))
		rc = engine_fail(e, STEP_FAILED, "the QR code is not a share's words");
	else if (en->words == NULL)
		rc = engine_fail(e, STEP_FAILED, "word %zu of the QR code is not a SLIP-39 word",
				 bad);
	media_rx_free(rx);
	return rc;
}

/* The share itself, against the record and the shares already in. */
static enum step_rc check_share(struct engine *e, const struct engine_key *k,
				const struct entry *en, struct slip39_collector *c,
				struct slip39_where *where)
{
	const struct script_key *sk = k->sk;
	const char *ceremony = sk->input->ceremony;
	const struct lineage_key *made = engine_lineage_key(e, sk->id, ceremony);
	struct slip39_share share;
	unsigned g = 0, m = 0;
	uint16_t expect = 0;
	size_t word = 0;
	int src = slip39_share_decode(en->words, en->words_len, &share, &word);
	enum step_rc rc = STEP_OK;

	if (src == SLIP39_E_WORD)
		return engine_fail(e, STEP_FAILED, "word %zu is not a SLIP-39 word", word);
	if (src == SLIP39_E_CHECKSUM)
		return engine_fail(e, STEP_FAILED,
				   "the words do not check: a word is wrong or missing");
	if (src != SLIP39_OK)
		return engine_fail(e, STEP_FAILED, "not a share: %s", slip39_strerror(src));
	for (unsigned n = 1; n <= sk->custodians->share_count; n++)
		if (script_set_share(sk->custodians, n, &g, &m) == en->who)
			break;
	for (unsigned i = 0; rc == STEP_OK && i < e->plan->input_count; i++) {
		const struct lineage *l = e->inputs[i].lineage;
		const struct lineage_key *lk = l ? lineage_key(l, sk->id) : NULL;

		if (lk != NULL && lineage_set_state(lk, share.id) == LINEAGE_SET_SUPERSEDED)
			rc = engine_fail(e, STEP_FAILED,
					 "this share is of set %04x of '%s', which a reshare in "
					 "ceremony %s superseded: it is refused",
					 share.id, sk->id, l->ceremony);
	}
	if (rc == STEP_OK && en->has_meta && strcmp(en->meta.ceremony_id, ceremony) != 0)
		rc = engine_fail(e, STEP_FAILED, "this share was made by ceremony %s, not by %s",
				 en->meta.ceremony_id, ceremony);
	if (rc == STEP_OK && made != NULL && lineage_current_set(made, &expect) &&
	    share.id != expect)
		rc = engine_fail(e, STEP_FAILED,
				 "this share is of another share set (%04x), not of set %04x of "
				 "'%s' made by ceremony %s",
				 share.id, expect, sk->id, ceremony);
	if (rc == STEP_OK && en->has_meta &&
	    (en->meta.identifier != share.id || en->meta.group_index != share.group_index ||
	     en->meta.member_index != share.member_index))
		rc = engine_fail(e, STEP_FAILED,
				 "the share file's header does not describe the share inside it");
	if (rc == STEP_OK && (share.group_index + 1u != g || share.member_index + 1u != m))
		rc =
		    engine_fail(e, STEP_FAILED,
				"this is not %s's share: it is member %u of group %u, and %s holds "
				"member %u of group %u",
				en->who->name, share.member_index + 1u, share.group_index + 1u,
				en->who->name, m, g);
	if (rc == STEP_OK) {
		src = slip39_collector_add_share(c, &share, where);
		if (src == SLIP39_E_DUPLICATE_MEMBER)
			rc = engine_fail(e, STEP_FAILED, "this share was given already");
		else if (src == SLIP39_E_SET_MISMATCH || src == SLIP39_E_PARAMS_MISMATCH)
			rc = engine_fail(e, STEP_FAILED,
					 "this share is from another share set than those given");
		else if (src == SLIP39_E_GROUP_COMPLETE || src == SLIP39_E_TOO_MANY_GROUPS)
			rc = engine_fail(e, STEP_FAILED, "its group is not needed any more: %s",
					 slip39_strerror(src));
		else if (src != SLIP39_OK)
			rc = engine_fail(e, STEP_FAILED, "the share is refused: %s",
					 slip39_strerror(src));
	}
	slip39_share_clear(&share);
	return rc;
}

/* Who brings the next share, and how. */
static enum step_rc choose(struct engine *e, const struct script_key *sk, struct entry *en,
			   const bool *given)
{
	const struct script_custodian_set *set = sk->custodians;
	const char *names[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS];
	const struct script_participant *who[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS];
	char id[ANSWERS_ID_MAX + 1], q[200];
	size_t n = 0, pick = 0;
	enum step_rc rc;
	int prc;

	for (unsigned i = 1; i <= set->share_count; i++, n++) {
		who[n] = script_set_share(set, i, NULL, NULL);
		names[n] = who[n]->id;
	}
	rc = collect_id(e, id, sizeof(id), sk->id, en->number, COLLECT_FIELD_CUSTODIAN);
	if (rc != STEP_OK)
		return rc;
	snprintf(q, sizeof(q), "Share %u of '%s': which custodian brings it?", en->number, sk->id);
	prc = prompt_choice(e->p, id, q, names, n, &pick);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	en->who = who[pick];
	if (!e->present[en->who->index])
		return engine_fail(e, STEP_FAILED, "%s was not present at the attendance",
				   en->who->name);
	if (given[pick])
		return engine_fail(e, STEP_FAILED, "%s has given a share of '%s' already",
				   en->who->name, sk->id);
	rc = collect_id(e, id, sizeof(id), sk->id, en->number, COLLECT_FIELD_SOURCE);
	if (rc != STEP_OK)
		return rc;
	snprintf(q, sizeof(q),
		 "%s, how do you bring your share: your medium, your card's words, "
		 "or its QR code?",
		 en->who->name);
	prc = prompt_choice(e->p, id, q, sources, 3, &pick);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	en->source = (enum source)pick;
	return STEP_OK;
}

/* How many more shares, and from whom, after each one. */
static void say_missing(struct engine *e, const struct script_custodian_set *set,
			const struct slip39_collector *c, const bool *given)
{
	struct slip39_status st;
	unsigned first = 1;

	slip39_collector_status(c, &st);
	if (st.ready)
		return;
	if (st.groups_missing > 0 && set->group_count > 1)
		prompt_say(e->p, PROMPT_PLAIN, "  %u more group%s needed (%u of %u started)",
			   st.groups_missing, st.groups_missing == 1 ? "" : "s", st.groups_started,
			   set->group_threshold);
	for (unsigned g = 0; g < set->group_count; g++) {
		const struct script_group *gr = &set->groups[g];
		unsigned have = st.group[g].present;
		char who[400] = "";
		size_t used = 0;

		if (have >= gr->threshold || (have == 0 && st.groups_missing == 0)) {
			first += gr->count;
			continue;
		}
		for (unsigned m = 0; m < gr->count; m++)
			if (!given[first - 1 + m] && used < sizeof(who))
				used += (size_t)snprintf(who + used, sizeof(who) - used, "%s%s",
							 used ? ", " : "", gr->members[m]->id);
		if (set->group_count > 1)
			prompt_say(e->p, PROMPT_PLAIN, "  group %u needs %u more (from %s)", g + 1,
				   gr->threshold - have, who);
		else
			prompt_say(e->p, PROMPT_PLAIN, "  %u more share%s needed (from %s)",
				   gr->threshold - have, gr->threshold - have == 1 ? "" : "s", who);
		first += gr->count;
	}
}

static enum step_rc record_share(struct engine *e, const struct engine_key *k,
				 const struct entry *en, const struct slip39_status *st)
{
	struct transcript_actor a = engine_actor(en->who);
	unsigned g = 0, m = 0;
	json_t *d;

	for (unsigned n = 1; n <= k->sk->custodians->share_count; n++)
		if (script_set_share(k->sk->custodians, n, &g, &m) == en->who)
			break;
	d = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}", "key", k->sk->id, "group", (json_int_t)(g - 1),
		      "member", (json_int_t)(m - 1), "identifier", (json_int_t)st->id, "source",
		      sources[en->source], "holder", en->who->id);
	if (d != NULL && en->has_meta) {
		const struct script_medium *md = script_medium_of(e->plan, en->who);

		json_object_set_new(d, "medium", json_string(md->id));
		json_object_set_new(d, "file", json_string(en->file));
		json_object_set_new(d, "sha256", engine_json_hex(en->file_sha256, 32));
	}
	return engine_record(e, &a, "share-collected", d);
}

/* One entry: a share brought, checked and added. */
static enum step_rc one_entry(struct engine *e, struct engine_key *k, struct entry *en,
			      struct slip39_collector *c, bool *given)
{
	const struct script_custodian_set *set = k->sk->custodians;
	struct slip39_where where;
	struct slip39_status st;
	enum step_rc rc = choose(e, k->sk, en, given);

	if (rc != STEP_OK)
		return rc;
	prompt_say(e->p, PROMPT_HEADING, "Share from %s (%s)", en->who->name, sources[en->source]);
	switch (en->source) {
	case SRC_MEDIUM:
		rc = from_medium(e, k, en);
		break;
	case SRC_WORDS:
		rc = from_words(e, k, en);
		break;
	case SRC_QR:
		rc = from_qr(e, k, en);
		break;
	}
	if (rc == STEP_OK)
		rc = check_share(e, k, en, c, &where);
	entry_clear(en);
	if (rc != STEP_OK)
		return rc;
	for (unsigned n = 1; n <= set->share_count; n++)
		if (script_set_share(set, n, NULL, NULL) == en->who)
			given[n - 1] = true;
	slip39_collector_status(c, &st);
	prompt_say(e->p, PROMPT_GOOD, "  share of %s accepted (%zu in)", en->who->name, st.shares);
	return record_share(e, k, en, &st);
}

/* Combines the shares, proves the key, and keeps it. */
static enum step_rc rebuild(struct engine *e, const struct script_step *s, struct engine_key *k,
			    struct slip39_collector *c)
{
	struct transcript_actor a = engine_step_actor(e, s);
	struct slip39_where where;
	struct slip39_status st;
	uint8_t *secret = NULL;
	size_t len = 0;
	EVP_PKEY *pkey = NULL;
	enum step_rc rc;
	json_t *d;
	int src;

	slip39_collector_status(c, &st);
	prompt_progress(e->p, "rebuilding", 0, 1);
	src = slip39_collector_combine(c, NULL, 0, &secret, &len, &where);
	prompt_progress(e->p, "rebuilding", 1, 1);
	if (src != SLIP39_OK)
		return engine_fail(e, STEP_FAILED, "rebuilding '%s': %s%s", k->sk->id,
				   slip39_strerror(src),
				   src == SLIP39_E_DIGEST ? " (a share is not genuine)" : "");
	rc = engine_prove_secret(e, k, secret, len, &pkey);
	if (rc != STEP_OK) {
		sodium_memzero(secret, len);
		sodium_free(secret);
		return rc;
	}
	k->secret = secret;
	k->secret_len = len;
	k->pkey = pkey;
	k->collected = true;
	k->collected_id = st.id;
	prompt_say(e->p, PROMPT_GOOD, "  '%s' rebuilt from %zu shares and proven against its %s",
		   k->sk->id, st.shares,
		   k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC ? "check value" : "public key");
	d = json_pack("{s:s,s:I,s:I,s:s}", "key", k->sk->id, "shares", (json_int_t)st.shares,
		      "identifier", (json_int_t)st.id, "ceremony", k->sk->input->ceremony);
	if (d == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	if (k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC) {
		json_object_set_new(d, "check_value", engine_json_hex(k->fpr, 32));
	} else {
		json_object_set_new(d, "spki_sha256", engine_json_hex(k->fpr, 32));
		/* The Contingency public key stays unpublished. */
		if (k->sk->kind != SCRIPT_KEY_CONTINGENCY && k->spki_len)
			json_object_set_new(d, "spki", engine_json_hex(k->spki, k->spki_len));
	}
	return engine_record(e, &a, "key-reconstructed", d);
}

enum step_rc engine_step_collect(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	const struct script_custodian_set *set = s->key->custodians;
	struct slip39_collector *c = NULL;
	struct slip39_status st;
	bool given[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS] = {false};
	unsigned tries = 0, number = 0;
	enum step_rc rc;

	if (!e->go)
		return engine_fail(e, STEP_FAILED, "no key is rebuilt before GO");
	if (k->pkey != NULL || k->secret != NULL)
		return engine_fail(e, STEP_FAILED, "'%s' is held already", s->key->id);
	rc = engine_refuse_retired(e, k);
	if (rc == STEP_OK)
		rc = recorded_key(e, k);
	if (rc == STEP_OK)
		rc = engine_refuse_retired(e, k);
	if (rc != STEP_OK)
		return rc;
	engine_show_fpr(e, "The key on record:", k->fpr);
	if (engine_uses_keyfile(s->key) && (rc = engine_keyfile_load(e, k)) != STEP_OK)
		return rc;
	if (slip39_collector_new(&c) != SLIP39_OK)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	say_missing(e, set, c, given);
	for (;;) {
		struct transcript_actor who;
		struct entry en;

		slip39_collector_status(c, &st);
		if (st.ready)
			break;
		memset(&en, 0, sizeof(en));
		en.number = ++number;
		rc = one_entry(e, k, &en, c, given);
		if (rc == STEP_OK) {
			say_missing(e, set, c, given);
			continue;
		}
		if (rc != STEP_FAILED || prompt_from_answers(e->p) ||
		    ++tries >= ENTRY_TRIES * set->share_count)
			break;
		/* At a terminal a refused share is said, recorded, and another one asked for. */
		prompt_say(e->p, PROMPT_BAD, "  refused: %s", e->reason);
		who = en.who ? engine_actor(en.who) : engine_system;
		rc = engine_record(e, &who, "note",
				   json_pack("{s:s,s:s,s:s}", "text", "share refused", "key",
					     s->key->id, "reason", e->reason));
		if (rc != STEP_OK)
			break;
	}
	if (rc == STEP_OK)
		rc = rebuild(e, s, k, c);
	slip39_collector_free(c);
	return rc;
}
