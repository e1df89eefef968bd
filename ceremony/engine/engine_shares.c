/* Shares: each custodian in turn receives their share on their own medium (passphrase-sealed),
 * copies the words onto their card and types them back; then a quorum of the written shares is
 * read back and the key rebuilt, before anything is wiped. */
#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/people/copyback.h"
#include "ceremony/engine/engine_keyfile.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_secrets.h"
#include "ceremony/engine/engine_steps.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/qr_out.h"
#include "media/util.h"
#include "shamir/sharefile.h"

#define PASSPHRASE_MIN 8
#define BAG_MAX 32
#define SHARE_FILE_MAX SHAREFILE_MAX
#define COPY_TRIES 3
#define WRITE_TRIES 3
#define SLIP39_ITER_EXP 1

static void text_free(char *text, size_t len)
{
	if (text) {
		sodium_memzero(text, len);
		sodium_free(text);
	}
}

static const char *check_passphrase(const char *v, size_t len, void *ctx)
{
	(void)v;
	(void)ctx;
	if (len < PASSPHRASE_MIN)
		return "a passphrase has at least 8 characters";
	return NULL;
}

/* Bag numbers: 1..32 of A-Z a-z 0-9 and '-', as printed on tamper-evident bags. */
static const char *check_bag(const char *v, size_t len, void *ctx)
{
	(void)ctx;
	if (len == 0 || len > BAG_MAX)
		return "a bag number has 1 to 32 characters";
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-')
			return "a bag number has letters, digits and '-' only";
	return NULL;
}

static enum step_rc field_id(struct engine *e, char *id, size_t len, const char *key, unsigned n,
			     const char *field)
{
	if (prompt_id(id, len, PROMPT_ID_SHARE, key, n, field) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for key %s", key);
	return STEP_OK;
}

/* The card shown to the custodian: numbered words in four columns, then the words' QR code
 * (upper case, so it is encoded in the compact alphanumeric mode). Secret. */
static char *share_card(const char *mnemonic)
{
	size_t mlen = strlen(mnemonic), cap = 4096 + 16 * mlen;
	char *card = sodium_malloc(cap), *upper = sodium_malloc(mlen + 1), *qrtext = NULL;
	struct media_qr qr;
	size_t used = 0, qrlen = 0, word = 0, i = 0;
	int have_qr = 0;

	if (card == NULL || upper == NULL)
		goto fail;
	for (size_t k = 0; k <= mlen; k++)
		upper[k] = (char)toupper((unsigned char)mnemonic[k]);
	while (i < mlen) {
		size_t s;
		int n;

		while (i < mlen && mnemonic[i] == ' ')
			i++;
		if (i == mlen)
			break;
		for (s = i; i < mlen && mnemonic[i] != ' '; i++)
			;
		word++;
		n = snprintf(card + used, cap - used, "%2zu. %-10.*s%s", word, (int)(i - s),
			     mnemonic + s, word % 4 == 0 ? "\n" : "  ");
		if (n < 0 || (size_t)n >= cap - used)
			goto fail;
		used += (size_t)n;
	}
	if (used + 2 < cap && word % 4 != 0)
		card[used++] = '\n';
	card[used] = '\0';
	memset(&qr, 0, sizeof(qr));
	if (media_qr_encode((const unsigned char *)upper, mlen, MEDIA_QR_EC_AUTO, &qr) ==
		    MEDIA_OK &&
	    media_qr_terminal(&qr, 0, &qrtext, &qrlen) == MEDIA_OK)
		have_qr = used + qrlen + 2 < cap;
	if (have_qr) {
		card[used++] = '\n';
		memcpy(card + used, qrtext, qrlen);
		used += qrlen;
		card[used] = '\0';
	}
	if (qrtext)
		media_sfree(qrtext);
	media_qr_free(&qr);
	sodium_memzero(upper, mlen + 1);
	sodium_free(upper);
	return card;
fail:
	if (card) {
		sodium_memzero(card, cap);
		sodium_free(card);
	}
	if (upper) {
		sodium_memzero(upper, mlen + 1);
		sodium_free(upper);
	}
	return NULL;
}

static void free_card(char *card)
{
	if (card) {
		sodium_memzero(card, strlen(card));
		sodium_free(card);
	}
}

/* Asks for the passphrase twice until both agree (terminal) or fails (answers). */
static enum step_rc ask_passphrase(struct engine *e, const char *key, unsigned n,
				   const char *holder, unsigned char **pass, size_t *plen)
{
	for (int tries = 0; tries < COPY_TRIES; tries++) {
		char id1[ANSWERS_ID_MAX + 1], id2[ANSWERS_ID_MAX + 1], q[300];
		unsigned char *again = NULL;
		size_t alen = 0;
		enum step_rc rc;
		int prc, same;

		if ((rc = field_id(e, id1, sizeof(id1), key, n, SHARE_FIELD_PASSPHRASE)) != STEP_OK ||
		    (rc = field_id(e, id2, sizeof(id2), key, n, SHARE_FIELD_PASSPHRASE_REPEAT)) !=
			    STEP_OK)
			return rc;
		snprintf(q, sizeof(q), "%s, choose a passphrase for your share file:", holder);
		prc = prompt_secret(e->p, id1, q, 0, check_passphrase, NULL, NULL, pass, plen);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id1);
		prc = prompt_secret(e->p, id2, "Type the passphrase again:", 0, NULL, NULL, NULL,
				    &again, &alen);
		if (prc != PROMPT_OK) {
			prompt_secret_free(*pass, *plen);
			*pass = NULL;
			return engine_prompt_rc(e, prc, id2);
		}
		same = copyback_equal(again, alen, *pass, *plen);
		prompt_secret_free(again, alen);
		if (same)
			return STEP_OK;
		prompt_secret_free(*pass, *plen);
		*pass = NULL;
		prompt_say(e->p, PROMPT_BAD, "The two passphrases differ.");
		if (prompt_from_answers(e->p))
			break;
	}
	return engine_fail(e, STEP_FAILED, "share %u of %s: the passphrases differ", n, key);
}

/* The custodian copies the words onto the card and types them back. */
static enum step_rc copy_back(struct engine *e, const char *key, unsigned n, const char *mnemonic)
{
	char id[ANSWERS_ID_MAX + 1];
	enum step_rc rc = field_id(e, id, sizeof(id), key, n, SHARE_FIELD_WORDS);

	if (rc != STEP_OK)
		return rc;
	for (int tries = 0; tries < COPY_TRIES; tries++) {
		unsigned char *typed = NULL;
		size_t len = 0, bad;
		int prc = prompt_secret(e->p, id,
					"Type the words back from your card (the first four letters "
					"of each are enough):",
					PROMPT_ECHO, NULL, NULL, mnemonic, &typed, &len);

		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		bad = copyback_compare((const char *)typed, len, mnemonic, strlen(mnemonic));
		prompt_secret_free(typed, len);
		if (bad == 0)
			return STEP_OK;
		prompt_say(e->p, PROMPT_BAD, "Word %zu does not match the share: check the card.",
			   bad);
		if (prompt_from_answers(e->p))
			break;
	}
	return engine_fail(e, STEP_FAILED, "share %u of %s: the words on the card do not match", n,
			   key);
}

/* Reads a share file back and opens it with the passphrase: the mnemonic must be the one
 * written. */
static enum step_rc verify_written(struct engine *e, const struct script_medium *m,
				   const char *file, const unsigned char *pass, size_t plen,
				   const char *mnemonic)
{
	unsigned char *blob = NULL;
	size_t blen = 0;
	enum media_err rc;
	struct sharefile_meta meta;
	char *text = NULL;
	size_t tlen = 0;
	enum step_rc ret = STEP_OK;
	enum sharefile_err serr;

	rc = engine_read_file(e, m, file, SHARE_FILE_MAX, MEDIA_READ_LISTED, &blob, &blen);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_FAILED, "reading back %s/%s: %s", m->id, file,
				   media_strerror(rc));
	serr = sharefile_open(blob, blen, (const char *)pass, plen, &meta, &text, &tlen);
	free(blob);
	if (serr != SHAREFILE_OK)
		return engine_fail(e, STEP_FAILED, "share file %s/%s does not open: %s", m->id,
				   file, sharefile_strerror(serr));
	if (!copyback_equal(text, tlen, mnemonic, strlen(mnemonic)))
		ret = engine_fail(e, STEP_FAILED, "share file %s/%s holds another share", m->id,
				  file);
	text_free(text, tlen);
	return ret;
}

/* A share file that could not be written (e->reason says why), before the medium is replaced. */
static enum step_rc record_failed_write(struct engine *e, const struct transcript_actor *a,
					const struct engine_key *k, unsigned n,
					const struct script_medium *medium, const char *file,
					unsigned attempt)
{
	return engine_record(e, a, "note",
			     json_pack("{s:s,s:s,s:I,s:s,s:s,s:I,s:s}", "text",
				       "the share file could not be written", "key", k->sk->id,
				       "number", (json_int_t)n, "medium", medium->id, "file", file,
				       "attempt", (json_int_t)attempt, "error", e->reason));
}

/* One share being given: to whom, on which medium, and what came of it. */
struct gift {
	struct engine_key *k;
	const struct script_custodian_set *set;
	unsigned n, g, m; /* the share's number, group and member, from 1 */
	const struct script_participant *holder;
	const struct script_medium *medium;
	struct transcript_actor a;
	const char *mnemonic; /* secret: one of k->shares */
	char file[SCRIPT_FILE_MAX + 1];
	uint8_t sha[32], kf_sha[32]; /* of the share file and of the key file */
	char bag[BAG_MAX + 1];
};

/* Share n of k's set: its holder, their medium, its words; and the holder is told. */
static enum step_rc gift_start(struct engine *e, struct gift *gf, struct engine_key *k,
			       const struct script_custodian_set *set, unsigned n)
{
	memset(gf, 0, sizeof(*gf));
	gf->k = k;
	gf->set = set;
	gf->n = n;
	gf->holder = script_set_share(set, n, &gf->g, &gf->m);
	gf->medium = gf->holder ? script_medium_of(e->plan, gf->holder) : NULL;
	if (gf->holder == NULL || gf->medium == NULL)
		return engine_fail(e, STEP_ERROR, "share %u of %s has no holder with a medium", n,
				   k->sk->id);
	gf->a = engine_actor(gf->holder);
	gf->mnemonic = slip39_mnemonic(k->shares, gf->g - 1, gf->m - 1);
	if (gf->mnemonic == NULL)
		return engine_fail(e, STEP_ERROR, "share %u of %s does not exist", n, k->sk->id);
	prompt_say(e->p, PROMPT_HEADING, "Share %u of %u of '%s': %s (group %u, member %u)", n,
		   set->share_count, k->sk->id, gf->holder->name, gf->g, gf->m);
	return STEP_OK;
}

/* Asks the holder a yes-or-no question about their medium, at prompt id share.<key>.<n>.<field>;
 * fmt and what follows make the question. */
static enum step_rc ask_holder(struct engine *e, const struct gift *gf, const char *field,
			       bool *yes, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum step_rc ask_holder(struct engine *e, const struct gift *gf, const char *field,
			       bool *yes, const char *fmt, ...)
{
	char id[ANSWERS_ID_MAX + 1], q[400];
	enum step_rc rc = field_id(e, id, sizeof(id), gf->k->sk->id, gf->n, field);
	va_list ap;

	*yes = false;
	if (rc != STEP_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	return engine_prompt_rc(e, prompt_confirm(e->p, id, q, yes), id);
}

/* Asks the holder whether their own medium, and nobody else's, is in. */
static enum step_rc medium_ready(struct engine *e, const struct gift *gf)
{
	bool yes;
	enum step_rc rc = ask_holder(e, gf, SHARE_FIELD_MEDIUM, &yes,
				     "%s, is your own medium '%s' inserted (and nobody else's)?",
				     gf->holder->name, gf->medium->id);

	if (rc == STEP_OK && !yes)
		return engine_fail(e, STEP_INTERRUPTED, "the medium of %s is not available",
				   gf->holder->name);
	return rc;
}

/* The share file: the words sealed under the holder's passphrase, with a public header. */
static enum step_rc seal_share(struct engine *e, struct gift *gf, const unsigned char *pass,
			       size_t plen, unsigned char **blob, size_t *blen)
{
	const struct engine_key *k = gf->k;
	struct sharefile_meta meta;
	enum sharefile_err src;

	memset(&meta, 0, sizeof(meta));
	snprintf(meta.ceremony_id, sizeof(meta.ceremony_id), "%s", e->plan->id);
	snprintf(meta.key_name, sizeof(meta.key_name), "%s", k->sk->id);
	meta.identifier = k->set_id;
	meta.group_index = (uint8_t)(gf->g - 1);
	meta.member_index = (uint8_t)(gf->m - 1);
	meta.group_threshold = (uint8_t)gf->set->group_threshold;
	meta.group_count = (uint8_t)gf->set->group_count;
	meta.member_threshold = (uint8_t)gf->set->groups[gf->g - 1].threshold;
	meta.rehearsal = e->o->rehearsal ? 1 : 0;
	meta.created = (uint64_t)engine_now(e);
	memcpy(meta.key_fpr, k->fpr, 32);
	prompt_progress(e->p, "sealing the share file", 0, 1);
	/* Rehearsals use the rehearsal Argon2id cost: their shares protect nothing, and a
	 * rehearsal in an emulated VM must not take many minutes. Production uses the default. */
	src =
	    sharefile_seal(&meta, e->o->rehearsal ? &sharefile_kdf_rehearsal : NULL, gf->mnemonic,
			   strlen(gf->mnemonic), (const char *)pass, plen, NULL, NULL, blob, blen);
	prompt_progress(e->p, "sealing the share file", 1, 1);
	if (src != SHAREFILE_OK)
		return engine_fail(e, STEP_ERROR, "sealing share %u of %s: %s", gf->n, k->sk->id,
				   sharefile_strerror(src));
	snprintf(gf->file, sizeof(gf->file), "%s-%04x-%u.share", k->sk->id, k->set_id, gf->n);
	return STEP_OK;
}

/* After a failed write (e->reason says why, failed is its result): recorded, and unless it was
 * the last try the holder is asked to put a fresh medium in its place. STEP_OK to try again. */
static enum step_rc write_failed(struct engine *e, const struct gift *gf, unsigned attempt,
				 enum step_rc failed)
{
	bool yes;
	enum step_rc rc;

	rc = record_failed_write(e, &gf->a, gf->k, gf->n, gf->medium, gf->file, attempt);
	if (rc != STEP_OK)
		return rc;
	if (attempt == WRITE_TRIES)
		return failed;
	prompt_say(e->p, PROMPT_BAD, "  %s", e->reason);
	rc = ask_holder(e, gf, SHARE_FIELD_RETRY, &yes,
			"%s, replace the medium '%s' with a fresh one and try again?",
			gf->holder->name, gf->medium->id);
	if (rc == STEP_OK && !yes)
		return engine_fail(e, STEP_FAILED, "share %u of %s could not be written", gf->n,
				   gf->k->sk->id);
	if (rc == STEP_OK)
		engine_medium_replaced(e, gf->medium);
	return rc;
}

/* Writes the share file and reads it back. A medium that fails (full, removed, an I/O error) is
 * replaced by another one at the same place, and the write tried again: nothing already written
 * is lost, and the media layer never leaves a file that looks complete. Each failure is
 * recorded. */
static enum step_rc write_share(struct engine *e, struct gift *gf, const unsigned char *blob,
				size_t blen, const unsigned char *pass, size_t plen)
{
	enum step_rc rc;

	for (unsigned attempt = 1;; attempt++) {
		rc = attempt == 1
			 ? engine_write(e, gf->medium, gf->file, blob, blen, gf->sha)
			 : engine_write_again(e, gf->medium, gf->file, blob, blen, gf->sha);
		if (rc == STEP_OK)
			rc = verify_written(e, gf->medium, gf->file, pass, plen, gf->mnemonic);
		if (rc == STEP_OK)
			return STEP_OK;
		if ((rc = write_failed(e, gf, attempt, rc)) != STEP_OK)
			return rc;
	}
}

/* The holder's passphrase, the share file sealed under it, written and verified. */
static enum step_rc put_share(struct engine *e, struct gift *gf)
{
	unsigned char *pass = NULL, *blob = NULL;
	size_t plen = 0, blen = 0;
	enum step_rc rc = ask_passphrase(e, gf->k->sk->id, gf->n, gf->holder->name, &pass, &plen);

	if (rc != STEP_OK)
		return rc;
	rc = seal_share(e, gf, pass, plen, &blob, &blen);
	if (rc == STEP_OK)
		rc = write_share(e, gf, blob, blen, pass, plen);
	free(blob);
	prompt_secret_free(pass, plen);
	return rc;
}

/* The words shown to the holder, to copy onto their card. */
static enum step_rc show_card(struct engine *e, const struct gift *gf)
{
	char id[ANSWERS_ID_MAX + 1], q[400];
	char *card = share_card(gf->mnemonic);
	enum step_rc rc;
	int prc;

	if (card == NULL)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	snprintf(q, sizeof(q), "%s: your share %u of '%s' (%s). Copy the words onto your card.",
		 gf->holder->name, gf->n, gf->k->sk->id, e->plan->id);
	if ((rc = field_id(e, id, sizeof(id), gf->k->sk->id, gf->n, SHARE_FIELD_CARD)) == STEP_OK) {
		prc = prompt_show_secret(e->p, id, q, card);
		rc = engine_prompt_rc(e, prc, id);
	}
	free_card(card);
	return rc;
}

/* The number of the tamper-evident bag the card and medium are sealed in. */
static enum step_rc ask_bag(struct engine *e, struct gift *gf)
{
	char id[ANSWERS_ID_MAX + 1], q[400];
	enum step_rc rc = field_id(e, id, sizeof(id), gf->k->sk->id, gf->n, SHARE_FIELD_BAG);
	int prc;

	if (rc != STEP_OK)
		return rc;
	snprintf(q, sizeof(q),
		 "%s, seal your card and medium in a tamper-evident bag and type "
		 "its number:",
		 gf->holder->name);
	prc = prompt_text(e->p, id, q, 0, check_bag, NULL, gf->bag, sizeof(gf->bag));
	return engine_prompt_rc(e, prc, id);
}

/* share-written, share-verified and share-accepted, by the holder. */
static enum step_rc record_gift(struct engine *e, const struct gift *gf)
{
	const struct engine_key *k = gf->k;
	const char *key = k->sk->id;
	json_int_t group = (json_int_t)(gf->g - 1), member = (json_int_t)(gf->m - 1);
	json_t *written;
	enum step_rc rc;

	written = json_pack("{s:s,s:I,s:I,s:s,s:s,s:o,s:I,s:I,s:s}", "key", key, "group", group,
			    "member", member, "medium", gf->medium->id, "file", gf->file, "sha256",
			    engine_json_hex(gf->sha, 32), "identifier", (json_int_t)k->set_id,
			    "number", (json_int_t)gf->n, "holder", gf->holder->id);
	if (written != NULL && k->keyfile != NULL) {
		json_object_set_new(written, "keyfile", json_string(k->keyfile_name));
		json_object_set_new(written, "keyfile_sha256", engine_json_hex(gf->kf_sha, 32));
	}
	rc = engine_record(e, &gf->a, "share-written", written);
	if (rc == STEP_OK)
		rc = engine_record(
		    e, &gf->a, "share-verified",
		    json_pack("{s:s,s:I,s:I}", "key", key, "group", group, "member", member));
	if (rc == STEP_OK)
		rc = engine_record(e, &gf->a, "share-accepted",
				   json_pack("{s:s,s:I,s:I,s:s}", "key", key, "group", group,
					     "member", member, "bag", gf->bag));
	return rc;
}

/* Share n of k to its holder: on their medium, sealed with their passphrase and read back; on
 * their card, copied and typed back; in a sealed bag. */
static enum step_rc give_share(struct engine *e, struct engine_key *k,
			       const struct script_custodian_set *set, unsigned n)
{
	struct gift gf;
	enum step_rc rc = gift_start(e, &gf, k, set, n);

	if (rc == STEP_OK)
		rc = medium_ready(e, &gf);
	if (rc == STEP_OK)
		rc = put_share(e, &gf);
	if (rc != STEP_OK)
		return rc;
	snprintf(k->share_files[n - 1], sizeof(k->share_files[n - 1]), "%s", gf.file);
	prompt_say(e->p, PROMPT_GOOD, "  share file %s/%s written and verified", gf.medium->id,
		   gf.file);
	if (k->keyfile != NULL && (rc = engine_put_keyfile(e, gf.medium, k, gf.kf_sha)) != STEP_OK)
		return rc;
	rc = show_card(e, &gf);
	if (rc == STEP_OK)
		rc = copy_back(e, k->sk->id, n, gf.mnemonic);
	if (rc == STEP_OK)
		rc = ask_bag(e, &gf);
	if (rc != STEP_OK)
		return rc;
	return record_gift(e, &gf);
}

/* The sealed private key of a long key, on the public medium the transcript is on. */
static enum step_rc publish_keyfile(struct engine *e, const struct script_step *s,
				    struct engine_key *k)
{
	struct transcript_actor a = engine_step_actor(e, s);
	uint8_t sha[32];
	enum step_rc rc;

	for (unsigned i = 0; i < e->plan->output_count; i++) {
		const struct script_output *out = &e->plan->outputs[i];

		if (out->type != SCRIPT_OUTPUT_TRANSCRIPT || out->medium->kind != SCRIPT_MEDIUM_PUBLIC)
			continue;
		rc = engine_put_keyfile(e, out->medium, k, sha);
		if (rc != STEP_OK)
			return rc;
		prompt_say(e->p, PROMPT_GOOD, "  sealed private key %s/%s written", out->medium->id,
			   k->keyfile_name);
		return engine_record(e, &a, "media-written",
				     json_pack("{s:s,s:s,s:o,s:s,s:s}", "medium", out->medium->id,
					       "file", k->keyfile_name, "sha256",
					       engine_json_hex(sha, 32), "key", k->sk->id, "type",
					       "sealed private key"));
	}
	return engine_fail(e, STEP_ERROR, "no public medium for the sealed key of %s", k->sk->id);
}

enum step_rc engine_split_to(struct engine *e, const struct script_step *s, struct engine_key *k,
			     const struct script_custodian_set *set)
{
	struct transcript_actor a = engine_step_actor(e, s);
	struct slip39_group groups[SLIP39_GROUPS_MAX];
	enum step_rc rc;
	int src;

	if (k->secret == NULL || set == NULL)
		return engine_fail(e, STEP_FAILED, "key %s is not held, or has no custodians",
				   s->key->id);
	if (k->split)
		return engine_fail(e, STEP_FAILED, "key %s is split already", s->key->id);
	for (unsigned g = 0; g < set->group_count; g++) {
		groups[g].threshold = (uint8_t)set->groups[g].threshold;
		groups[g].count = (uint8_t)set->groups[g].count;
	}
	/* The share files carry their own passphrases, so the SLIP-39 passphrase is empty: the
	 * words on a card plus a quorum are the key, as the custodians are told. */
	src = slip39_split(k->secret, k->secret_len, NULL, 0, 1, SLIP39_ITER_EXP,
			   (uint8_t)set->group_threshold, groups, set->group_count, entropy_rng,
			   e->rng, &k->shares);
	if (src != SLIP39_OK)
		return engine_fail(e, STEP_ERROR, "splitting %s: %s", s->key->id,
				   slip39_strerror(src));
	k->set_id = k->shares->id;
	if (k->keyfile != NULL && (rc = publish_keyfile(e, s, k)) != STEP_OK) {
		slip39_mnemonics_free(k->shares);
		k->shares = NULL;
		return rc;
	}
	rc = engine_record(e, &a, "note",
			   json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "text",
				     "share set created", "key", s->key->id, "set", set->id,
				     "identifier", (json_int_t)k->set_id, "group_threshold",
				     (json_int_t)set->group_threshold, "groups",
				     (json_int_t)set->group_count, "count",
				     (json_int_t)set->share_count));
	for (unsigned n = 1; rc == STEP_OK && n <= set->share_count; n++)
		rc = give_share(e, k, set, n);
	/* The mnemonics are needed no longer: the test reconstruction reads the files back. */
	slip39_mnemonics_free(k->shares);
	k->shares = NULL;
	if (rc == STEP_OK) {
		k->split = true;
		k->share_set = set;
	}
	return rc;
}

enum step_rc engine_step_split(struct engine *e, const struct script_step *s)
{
	return engine_split_to(e, s, engine_key(e, s->key), script_step_share_set(s));
}

static enum step_rc read_share(struct engine *e, struct engine_key *k,
			       const struct script_custodian_set *set, unsigned n,
			       struct slip39_collector *c)
{
	unsigned g = 0, m = 0;
	const struct script_participant *holder = script_set_share(set, n, &g, &m);
	const struct script_medium *medium = holder ? script_medium_of(e->plan, holder) : NULL;
	unsigned char *blob = NULL, *pass = NULL;
	size_t blen = 0, plen = 0, tlen = 0;
	char id[ANSWERS_ID_MAX + 1], q[300], *text = NULL;
	struct sharefile_meta meta;
	struct slip39_where where;
	enum sharefile_err serr;
	enum media_err mrc;
	int src, prc;

	if (medium == NULL)
		return engine_fail(e, STEP_ERROR, "share %u of %s has no medium", n, k->sk->id);
	mrc = engine_read_file(e, medium, k->share_files[n - 1], SHARE_FILE_MAX, MEDIA_READ_LISTED,
			       &blob, &blen);
	if (mrc != MEDIA_OK)
		return engine_fail(e, STEP_FAILED, "reading %s/%s: %s", medium->id,
				   k->share_files[n - 1], media_strerror(mrc));
	if (prompt_id(id, sizeof(id), PROMPT_ID_TEST, k->sk->id, n) != 0) {
		free(blob);
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", k->sk->id);
	}
	snprintf(q, sizeof(q), "%s, type the passphrase of your share %u of '%s':", holder->name,
		 n, k->sk->id);
	prc = prompt_secret(e->p, id, q, 0, NULL, NULL, NULL, &pass, &plen);
	if (prc != PROMPT_OK) {
		free(blob);
		return engine_prompt_rc(e, prc, id);
	}
	serr = sharefile_open(blob, blen, (const char *)pass, plen, &meta, &text, &tlen);
	free(blob);
	prompt_secret_free(pass, plen);
	if (serr != SHAREFILE_OK)
		return engine_fail(e, STEP_FAILED, "share %u of %s: %s", n, k->sk->id,
				   sharefile_strerror(serr));
	src = slip39_collector_add(c, text, tlen, &where);
	text_free(text, tlen);
	if (src != SLIP39_OK)
		return engine_fail(e, STEP_FAILED, "share %u of %s: %s", n, k->sk->id,
				   slip39_strerror(src));
	return STEP_OK;
}

enum step_rc engine_step_test(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	const struct script_custodian_set *set = k->share_set;
	struct transcript_actor a = engine_step_actor(e, s);
	struct slip39_collector *c = NULL;
	EVP_PKEY *rebuilt = NULL;
	struct slip39_where where;
	unsigned quorum[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS], nq;
	uint8_t *secret = NULL;
	size_t slen = 0;
	json_t *used, *data;
	enum step_rc rc = STEP_OK;
	int src;

	if (!k->split || set == NULL)
		return engine_fail(e, STEP_FAILED, "key %s has no shares to test", s->key->id);
	nq = script_set_quorum(set, quorum, sizeof(quorum) / sizeof(quorum[0]));
	if (slip39_collector_new(&c) != SLIP39_OK)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	used = json_array();
	for (unsigned i = 0; rc == STEP_OK && i < nq; i++) {
		rc = read_share(e, k, set, quorum[i], c);
		json_array_append_new(used, json_integer(quorum[i]));
	}
	if (rc == STEP_OK) {
		src = slip39_collector_combine(c, NULL, 0, &secret, &slen, &where);
		if (src != SLIP39_OK)
			rc = engine_fail(e, STEP_FAILED, "rebuilding %s: %s", s->key->id,
					 slip39_strerror(src));
	}
	slip39_collector_free(c);
	if (rc == STEP_OK)
		rc = engine_prove_secret(e, k, secret, slen, &rebuilt);
	EVP_PKEY_free(rebuilt);
	if (secret) {
		sodium_memzero(secret, slen);
		sodium_free(secret);
	}
	if (rc != STEP_OK) {
		json_decref(used);
		return rc;
	}
	prompt_say(e->p, PROMPT_GOOD, "  '%s' rebuilt from %u shares and proven against its %s",
		   s->key->id, nq,
		   s->key->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC ? "check value" : "public key");
	/* What is not needed any more is wiped after the step (engine_release_unused). */
	data = json_pack("{s:s,s:I,s:I,s:o}", "key", s->key->id, "identifier",
			 (json_int_t)k->set_id, "shares", (json_int_t)nq, "numbers", used);
	if (data)
		json_object_set_new(data,
				    s->key->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC ? "check_value"
										     : "spki_sha256",
				    engine_json_hex(k->fpr, 32));
	return engine_record(e, &a, "reconstruction-tested", data);
}
