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
#include "ceremony/engine/engine_slip.h"
#include "ceremony/engine/engine_steps.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/qr_out.h"
#include "media/util.h"
#include "shamir/sharefile.h"

#define PASSPHRASE_MIN 8
#define SHARE_FILE_MAX SHAREFILE_MAX
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

static enum step_rc field_id(struct engine *e, char *id, size_t len, const char *key, unsigned n,
			     const char *field)
{
	if (prompt_id(id, len, PROMPT_ID_SHARE, key, n, field) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for key %s", key);
	return STEP_OK;
}

/* The card shown to the custodian: numbered words in four columns. Secret. */
static char *share_card(const char *mnemonic)
{
	size_t mlen = strlen(mnemonic), cap = 64 + 16 * mlen;
	char *card = sodium_malloc(cap);
	size_t used = 0, word = 0, i = 0;

	if (card == NULL)
		return NULL;
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
		if (n < 0 || (size_t)n >= cap - used) {
			sodium_memzero(card, cap);
			sodium_free(card);
			return NULL;
		}
		used += (size_t)n;
	}
	if (used + 2 < cap && word % 4 != 0)
		card[used++] = '\n';
	card[used] = '\0';
	return card;
}

/* The words' QR code as terminal text (upper case, so it is encoded in the compact
 * alphanumeric mode), with its size in rows and columns. Secret. NULL when it cannot be made. */
static char *share_qr(const char *mnemonic, unsigned *rows, unsigned *cols)
{
	size_t mlen = strlen(mnemonic), qrlen = 0;
	char *upper = sodium_malloc(mlen + 1), *qrtext = NULL, *out = NULL;
	struct media_qr qr;
	unsigned col = 0;

	*rows = *cols = 0;
	if (upper == NULL)
		return NULL;
	for (size_t k = 0; k <= mlen; k++)
		upper[k] = (char)toupper((unsigned char)mnemonic[k]);
	memset(&qr, 0, sizeof(qr));
	if (media_qr_encode((const unsigned char *)upper, mlen, MEDIA_QR_EC_AUTO, &qr) ==
		    MEDIA_OK &&
	    media_qr_terminal(&qr, 0, &qrtext, &qrlen) == MEDIA_OK) {
		out = sodium_malloc(qrlen + 1);
		if (out != NULL) {
			memcpy(out, qrtext, qrlen);
			out[qrlen] = '\0';
		}
		/* Columns are characters, not bytes: the blocks are UTF-8. */
		for (size_t k = 0; k < qrlen; k++) {
			if (qrtext[k] == '\n') {
				(*rows)++;
				col = 0;
			} else if (((unsigned char)qrtext[k] & 0xC0) != 0x80 && ++col > *cols) {
				*cols = col;
			}
		}
	}
	if (qrtext)
		media_sfree(qrtext);
	media_qr_free(&qr);
	sodium_memzero(upper, mlen + 1);
	sodium_free(upper);
	return out;
}

static void free_card(char *card)
{
	if (card) {
		sodium_memzero(card, strlen(card));
		sodium_free(card);
	}
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
};

/* The holder's passphrase, typed twice: each miss is a try; after the last one they may start
 * again, or the ceremony is aborted deliberately. */
static enum step_rc ask_passphrase(struct engine *e, const struct gift *gf, unsigned char **pass,
				   size_t *plen)
{
	const char *key = gf->k->sk->id;
	char id1[ANSWERS_ID_MAX + 1], id2[ANSWERS_ID_MAX + 1], nid[ANSWERS_ID_MAX + 1];
	enum step_rc rc;

	if ((rc = field_id(e, id1, sizeof(id1), key, gf->n, SHARE_FIELD_PASSPHRASE)) != STEP_OK ||
	    (rc = field_id(e, id2, sizeof(id2), key, gf->n, SHARE_FIELD_PASSPHRASE_REPEAT)) !=
		    STEP_OK ||
	    (rc = field_id(e, nid, sizeof(nid), key, gf->n, SHARE_FIELD_PASSPHRASE_NEXT)) != STEP_OK)
		return rc;
	for (unsigned attempt = 1;; attempt++) {
		char q[300], t[32];
		unsigned char *twice = NULL;
		size_t alen = 0;
		int prc, same;

		rc = engine_after_tries(e, &gf->a, nid,
					"The passphrases differed at every try. Start again?",
					&attempt);
		if (rc != STEP_OK)
			return rc;
		snprintf(q, sizeof(q), "%s, choose a passphrase for your share file%s:",
			 gf->holder->name, engine_try_text(t, sizeof(t), attempt));
		prc = prompt_secret(e->p, id1, q, 0, check_passphrase, NULL, NULL, pass, plen);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id1);
		prc = prompt_secret(e->p, id2, "Type the passphrase again:", 0, NULL, NULL, NULL,
				    &twice, &alen);
		if (prc != PROMPT_OK) {
			prompt_secret_free(*pass, *plen);
			*pass = NULL;
			return engine_prompt_rc(e, prc, id2);
		}
		same = copyback_equal(twice, alen, *pass, *plen);
		prompt_secret_free(twice, alen);
		if (same)
			return STEP_OK;
		prompt_secret_free(*pass, *plen);
		*pass = NULL;
		if (prompt_from_answers(e->p))
			return engine_fail(e, STEP_FAILED, "share %u of %s: the passphrases differ",
					   gf->n, key);
		if ((rc = engine_slip(e, &gf->a, id2, attempt, "The two passphrases differ")) !=
		    STEP_OK)
			return rc;
	}
}

static enum step_rc show_card(struct engine *e, const struct gift *gf);

/* The card shown again after the last try, once a witness confirms only its holder sees it. */
static enum step_rc show_again(struct engine *e, const struct gift *gf, const char *nid)
{
	static const char *const choices[] = {"show-card"};
	char wid[ANSWERS_ID_MAX + 1], q[300];
	size_t pick;
	bool yes = false;
	enum step_rc rc = field_id(e, wid, sizeof(wid), gf->k->sk->id, gf->n, SHARE_FIELD_WITNESS);

	while (rc == STEP_OK && !yes) {
		rc = engine_what_now(e, &gf->a, nid,
				     "The words did not match at any try. Show the card again?",
				     choices, 1, &pick, "the words on the card do not match");
		if (rc != STEP_OK)
			return rc;
		snprintf(q, sizeof(q),
			 "Witness: is %s alone in front of the screen, to see the card again?",
			 gf->holder->name);
		rc = engine_prompt_rc(e, prompt_confirm(e->p, wid, q, &yes), wid);
	}
	if (rc == STEP_OK)
		rc = engine_record(e, &gf->a, "note",
				   json_pack("{s:s,s:s,s:I}", "text",
					     "the share card shown again, a witness confirming", "key",
					     gf->k->sk->id, "number", (json_int_t)gf->n));
	return rc == STEP_OK ? show_card(e, gf) : rc;
}

/* The custodian copies the words onto the card and types them back: each miss is a try; after
 * the last one the card may be shown again, or the ceremony aborted deliberately. */
static enum step_rc copy_back(struct engine *e, const struct gift *gf)
{
	char id[ANSWERS_ID_MAX + 1], nid[ANSWERS_ID_MAX + 1];
	enum step_rc rc = field_id(e, id, sizeof(id), gf->k->sk->id, gf->n, SHARE_FIELD_WORDS);

	if (rc == STEP_OK)
		rc = field_id(e, nid, sizeof(nid), gf->k->sk->id, gf->n, SHARE_FIELD_WORDS_NEXT);
	if (rc != STEP_OK)
		return rc;
	for (unsigned attempt = 1;; attempt++) {
		unsigned char *typed = NULL;
		size_t len = 0, bad;
		char q[200], t[32], why[80];
		int prc;

		if (attempt > ENGINE_TRIES) {
			if ((rc = show_again(e, gf, nid)) != STEP_OK)
				return rc;
			attempt = 1;
		}
		snprintf(q, sizeof(q),
			 "Type the words back from your card (the first four letters of each are "
			 "enough)%s:",
			 engine_try_text(t, sizeof(t), attempt));
		prc = prompt_secret(e->p, id, q, PROMPT_ECHO, NULL, NULL, gf->mnemonic, &typed,
				    &len);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		bad = copyback_compare((const char *)typed, len, gf->mnemonic,
				       strlen(gf->mnemonic));
		prompt_secret_free(typed, len);
		if (bad == 0)
			return STEP_OK;
		/* What was typed is off the screen (prompt_secret cleared it): say where we are. */
		prompt_say(e->p, PROMPT_PLAIN, "%s: share %u of '%s'", gf->holder->name, gf->n,
			   gf->k->sk->id);
		snprintf(why, sizeof(why), "Word %zu does not match the share: check the card", bad);
		if (prompt_from_answers(e->p))
			return engine_fail(e, STEP_FAILED,
					   "share %u of %s: the words on the card do not match",
					   gf->n, gf->k->sk->id);
		if ((rc = engine_slip(e, &gf->a, id, attempt, why)) != STEP_OK)
			return rc;
	}
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
	/* A new person is addressed: nothing of the one before stays on the screen. */
	prompt_clear(e->p);
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

/* Asks the holder whether their own medium, and nobody else's, is in: a no is a try, and
 * after the last one they may go on asking, or the ceremony is aborted deliberately. */
static enum step_rc medium_ready(struct engine *e, const struct gift *gf)
{
	char id[ANSWERS_ID_MAX + 1], nid[ANSWERS_ID_MAX + 1], t[32];
	enum step_rc rc;
	bool yes;

	if ((rc = field_id(e, id, sizeof(id), gf->k->sk->id, gf->n, SHARE_FIELD_MEDIUM)) !=
		    STEP_OK ||
	    (rc = field_id(e, nid, sizeof(nid), gf->k->sk->id, gf->n, SHARE_FIELD_MEDIUM_NEXT)) !=
		    STEP_OK)
		return rc;
	for (unsigned attempt = 1;; attempt++) {
		rc = engine_after_tries(e, &gf->a, nid,
					"The medium was not inserted at any try. Ask again?",
					&attempt);
		if (rc != STEP_OK)
			return rc;
		rc = ask_holder(e, gf, SHARE_FIELD_MEDIUM, &yes,
				"%s, is your own medium '%s' inserted (and nobody else's)?%s",
				gf->holder->name, gf->medium->id,
				engine_try_text(t, sizeof(t), attempt));
		if (rc != STEP_OK || yes)
			return rc;
		if (prompt_from_answers(e->p))
			return engine_fail(e, STEP_INTERRUPTED, "the medium of %s is not available",
					   gf->holder->name);
		if ((rc = engine_slip(e, &gf->a, id, attempt,
				      "Then insert it, and nobody else's, and answer again")) !=
		    STEP_OK)
			return rc;
	}
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
	enum step_rc rc = ask_passphrase(e, gf, &pass, &plen);

	if (rc != STEP_OK)
		return rc;
	rc = seal_share(e, gf, pass, plen, &blob, &blen);
	if (rc == STEP_OK)
		rc = write_share(e, gf, blob, blen, pass, plen);
	free(blob);
	prompt_secret_free(pass, plen);
	return rc;
}

/* The QR code of the words, on a screen of its own after them; one that cannot be shown on
 * this terminal is said and recorded. */
static enum step_rc show_card_qr(struct engine *e, const struct gift *gf, const char *id)
{
	unsigned rows = 0, cols = 0, trows = 0, tcols = 0;
	char *qr = share_qr(gf->mnemonic, &rows, &cols), q[300], why[160];
	enum step_rc rc;

	if (qr != NULL && (!prompt_screen(e->p, &trows, &tcols) ||
			   (rows + 4 <= trows && cols <= tcols))) {
		snprintf(q, sizeof(q), "%s: the QR code of your share %u of '%s' (%s)",
			 gf->holder->name, gf->n, gf->k->sk->id, e->plan->id);
		rc = engine_prompt_rc(e, prompt_show_secret(e->p, id, q, qr), id);
		free_card(qr);
		return rc;
	}
	if (qr == NULL)
		snprintf(why, sizeof(why), "the QR code of the words could not be made");
	else
		snprintf(why, sizeof(why),
			 "the QR code (%u x %u characters) does not fit this terminal (%u x %u)",
			 cols, rows + 4, tcols, trows);
	free_card(qr);
	prompt_say(e->p, PROMPT_WARN, "  No QR code on this card: %s. The words are the share.",
		   why);
	return engine_record(e, &gf->a, "note",
			     json_pack("{s:s,s:s,s:I,s:s}", "text",
				       "the share card's QR code was not shown", "key",
				       gf->k->sk->id, "number", (json_int_t)gf->n, "reason", why));
}

/* The words shown to the holder alone, to copy onto their card; then their QR code. */
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
	if (rc == STEP_OK && !prompt_from_answers(e->p))
		rc = show_card_qr(e, gf, id);
	return rc;
}

/* share-written and share-verified, by the holder (share-accepted follows at the sealing). */
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
	return rc;
}

/* Share n of k to its holder: on their medium, sealed with their passphrase and read back; on
 * their card, copied and typed back (sealed in a bag after their last use: engine_seal). */
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
		rc = copy_back(e, &gf);
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

/* Another share of the same group as share n, neither in the test quorum nor refused: 0 when
 * there is none (the threshold does not allow a swap). */
static unsigned swap_candidate(const struct script_custodian_set *set, unsigned n,
			       const bool *taken)
{
	unsigned g = 0, m = 0, g2 = 0;

	script_set_share(set, n, &g, &m);
	for (unsigned i = 1; i <= set->share_count; i++)
		if (!taken[i] && script_set_share(set, i, &g2, &m) != NULL && g2 == g)
			return i;
	return 0;
}

/* The holder of share n types its passphrase: each miss is a try; after the last one they
 * may try again, another custodian's share is used where the threshold allows (*swap), or
 * the ceremony is aborted deliberately. */
static enum step_rc open_share(struct engine *e, struct engine_key *k, unsigned n,
			       const struct script_participant *holder, bool can_swap,
			       const unsigned char *blob, size_t blen, char **text, size_t *tlen,
			       bool *swap)
{
	static const char *const choices[] = {"again", "other-share"};
	struct transcript_actor a = engine_actor(holder);
	char id[ANSWERS_ID_MAX + 1], nid[ANSWERS_ID_MAX + 1], q[300], t[32], why[200];
	struct sharefile_meta meta;
	enum step_rc rc;
	size_t pick;

	*swap = false;
	if (prompt_id(id, sizeof(id), PROMPT_ID_TEST, k->sk->id, n) != 0 ||
	    prompt_id(nid, sizeof(nid), PROMPT_ID_TEST_NEXT, k->sk->id, n) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", k->sk->id);
	prompt_clear(e->p);
	for (unsigned attempt = 1;; attempt++) {
		unsigned char *pass = NULL;
		size_t plen = 0;
		enum sharefile_err serr;
		int prc;

		if (attempt > ENGINE_TRIES) {
			rc = engine_what_now(e, &a, nid,
					     can_swap ? "The share did not open at any try. Try again, "
							"or use another custodian's share?"
						  : "The share did not open at any try. Try again?",
					     choices, can_swap ? 2 : 1, &pick, "");
			if (rc != STEP_OK || pick == 1) {
				*swap = rc == STEP_OK;
				return rc;
			}
			attempt = 1;
		}
		snprintf(q, sizeof(q), "%s, type the passphrase of your share %u of '%s'%s:",
			 holder->name, n, k->sk->id, engine_try_text(t, sizeof(t), attempt));
		prc = prompt_secret(e->p, id, q, 0, NULL, NULL, NULL, &pass, &plen);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		serr = sharefile_open(blob, blen, (const char *)pass, plen, &meta, text, tlen);
		prompt_secret_free(pass, plen);
		if (serr == SHAREFILE_OK)
			return STEP_OK;
		snprintf(why, sizeof(why), "Share %u of '%s' does not open: %s", n, k->sk->id,
			 sharefile_strerror(serr));
		if (prompt_from_answers(e->p))
			return engine_fail(e, STEP_FAILED, "share %u of %s: %s", n, k->sk->id,
					   sharefile_strerror(serr));
		if ((rc = engine_slip(e, &a, id, attempt, why)) != STEP_OK)
			return rc;
	}
}

static enum step_rc read_share(struct engine *e, struct engine_key *k,
			       const struct script_custodian_set *set, unsigned n, bool can_swap,
			       struct slip39_collector *c, bool *swap)
{
	unsigned g = 0, m = 0;
	const struct script_participant *holder = script_set_share(set, n, &g, &m);
	const struct script_medium *medium = holder ? script_medium_of(e->plan, holder) : NULL;
	unsigned char *blob = NULL;
	size_t blen = 0, tlen = 0;
	char *text = NULL;
	struct slip39_where where;
	enum media_err mrc;
	enum step_rc rc;
	int src;

	*swap = false;
	if (medium == NULL)
		return engine_fail(e, STEP_ERROR, "share %u of %s has no medium", n, k->sk->id);
	mrc = engine_read_file(e, medium, k->share_files[n - 1], SHARE_FILE_MAX, MEDIA_READ_LISTED,
			       &blob, &blen);
	if (mrc != MEDIA_OK)
		return engine_fail(e, STEP_FAILED, "reading %s/%s: %s", medium->id,
				   k->share_files[n - 1], media_strerror(mrc));
	rc = open_share(e, k, n, holder, can_swap, blob, blen, &text, &tlen, swap);
	free(blob);
	if (rc != STEP_OK || *swap)
		return rc;
	src = slip39_collector_add(c, text, tlen, &where);
	text_free(text, tlen);
	if (src != SLIP39_OK)
		return engine_fail(e, STEP_FAILED, "share %u of %s: %s", n, k->sk->id,
				   slip39_strerror(src));
	return STEP_OK;
}

/* Reads the test quorum's shares into c; a share its holder cannot open is replaced by another
 * of its group where there is one. used gets the share numbers read. */
static enum step_rc read_quorum(struct engine *e, const struct script_step *s,
				struct engine_key *k, struct slip39_collector *c, json_t *used,
				unsigned *nq)
{
	const struct script_custodian_set *set = k->share_set;
	unsigned quorum[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS];
	bool taken[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS + 1] = {false};
	struct transcript_actor a = engine_step_actor(e, s);
	enum step_rc rc = STEP_OK;

	*nq = script_set_quorum(set, quorum, sizeof(quorum) / sizeof(quorum[0]));
	for (unsigned i = 0; i < *nq; i++)
		taken[quorum[i]] = true;
	for (unsigned i = 0; rc == STEP_OK && i < *nq;) {
		unsigned other = swap_candidate(set, quorum[i], taken);
		bool swap = false;

		rc = read_share(e, k, set, quorum[i], other != 0, c, &swap);
		if (rc == STEP_OK && swap) {
			rc = engine_record(e, &a, "note",
					   json_pack("{s:s,s:s,s:I,s:I}", "text",
						     "a share that did not open is replaced in the "
						     "test by another of its group",
						     "key", k->sk->id, "number",
						     (json_int_t)quorum[i], "replaced_by",
						     (json_int_t)other));
			prompt_say(e->p, PROMPT_WARN, "  Share %u is used instead of share %u.",
				   other, quorum[i]);
			quorum[i] = other;
			taken[other] = true;
			continue;
		}
		if (rc == STEP_OK)
			json_array_append_new(used, json_integer(quorum[i]));
		i++;
	}
	return rc;
}

enum step_rc engine_step_test(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	const struct script_custodian_set *set = k->share_set;
	struct transcript_actor a = engine_step_actor(e, s);
	struct slip39_collector *c = NULL;
	EVP_PKEY *rebuilt = NULL;
	struct slip39_where where;
	unsigned nq = 0;
	uint8_t *secret = NULL;
	size_t slen = 0;
	json_t *used, *data;
	enum step_rc rc = STEP_OK;
	int src;

	if (!k->split || set == NULL)
		return engine_fail(e, STEP_FAILED, "key %s has no shares to test", s->key->id);
	if (slip39_collector_new(&c) != SLIP39_OK)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	used = json_array();
	rc = read_quorum(e, s, k, c, used, &nq);
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
