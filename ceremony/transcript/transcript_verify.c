#include "ceremony/transcript/transcript_verify.h"

#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/transcript/transcript_artifacts.h"
#include "ceremony/transcript/transcript_format.h"
#include "ceremony/transcript/transcript_json.h"

struct transcript_checker {
	struct transcript_summary sum;
	struct transcript_failure fail;
	unsigned char head[32]; /* SHA-256 of the last accepted line */
	char last_time[TRANSCRIPT_TIME_LEN + 1];
	struct tkey keys[TRANSCRIPT_KEYS_MAX];
	size_t nkeys;
	struct tartifact *arts;
	size_t narts;
	struct tjson_tok *tok; /* the record being checked: tokcap tokens, grown by feed */
	size_t tokcap;
	char scratch[TRANSCRIPT_STRING_MAX + 1];
};

struct transcript_checker *transcript_checker_new(void)
{
	struct transcript_checker *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->fail.err = TRANSCRIPT_OK;
	return c;
}

void transcript_checker_free(struct transcript_checker *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nkeys; i++)
		free(c->keys[i].spki);
	free(c->arts);
	free(c->tok);
	transcript_summary_free(&c->sum);
	free(c);
}

void transcript_summary_free(struct transcript_summary *sum)
{
	json_decref(sum->start);
	sum->start = NULL;
}

const struct transcript_failure *transcript_checker_failure(const struct transcript_checker *c)
{
	return &c->fail;
}

const struct transcript_summary *transcript_checker_summary(const struct transcript_checker *c)
{
	return &c->sum;
}

/* --- one record: shape ------------------------------------------------------------------- */

/* One record while it is checked: the line, its tokens, and what was read from them. */
struct rec {
	struct transcript_checker *c;
	const char *s;
	size_t len;
	const struct tjson_tok *t;
	long seq;  /* the record's position */
	int64_t seqv; /* its seq field */
	const struct tformat_event *ev;
	size_t data; /* the token of the data object */
	unsigned char prev[32];
	char time[TRANSCRIPT_TIME_LEN + 1];
};

#define FAIL(r, e, ...) tformat_fail(&(r)->c->fail, (e), (r)->seq, __VA_ARGS__)

/* A string of printable text: 1 when it is, 0 when not, -1 when longer than max bytes. */
static int text(struct rec *r, const struct tjson_tok *t, size_t max, int empty_ok)
{
	const char *p = r->s + t->start;
	size_t n = t->len;

	if (t->type != TJ_STRING)
		return 0;
	if (t->count > 0) {
		/* Escapes: check the characters they stand for. */
		if (tjson_copy(r->s, t, r->c->scratch, sizeof(r->c->scratch)) != 0)
			return -1;
		p = r->c->scratch;
		n = strlen(p);
	}
	if (n > max)
		return -1;
	return (empty_ok || n > 0) && tformat_printable(p, n);
}

/* The generic data rules: field names, sorted keys, value types and sizes, depth. */
static enum transcript_err check_value(struct rec *r, size_t i, const char *name)
{
	const struct tjson_tok *t = &r->t[i];
	unsigned depth = t->depth - 1u; /* data itself is 0 */
	size_t j = i + 1;
	int ok;

	switch (t->type) {
	case TJ_STRING:
		ok = text(r, t, TRANSCRIPT_STRING_MAX, 1);
		if (ok < 0)
			return FAIL(r, TRANSCRIPT_E_LIMIT, "data field '%s' is too long", name);
		if (!ok)
			return FAIL(r, TRANSCRIPT_E_SCHEMA, "data field '%s' holds a control character",
				    name);
		return TRANSCRIPT_OK;
	case TJ_INTEGER:
		if (t->integer > TRANSCRIPT_INT_MAX || t->integer < -TRANSCRIPT_INT_MAX)
			return FAIL(r, TRANSCRIPT_E_SCHEMA, "data field '%s' is outside +-(2^53-1)",
				    name);
		return TRANSCRIPT_OK;
	case TJ_TRUE:
	case TJ_FALSE:
		return TRANSCRIPT_OK;
	case TJ_NULL:
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "data field '%s' is null", name);
	case TJ_ARRAY:
		if (depth >= TRANSCRIPT_DEPTH_MAX)
			return FAIL(r, TRANSCRIPT_E_LIMIT, "data nested too deeply");
		if (t->count > TRANSCRIPT_ITEMS_MAX)
			return FAIL(r, TRANSCRIPT_E_LIMIT, "data array '%s' too long", name);
		for (uint32_t k = 0; k < t->count; k++, j = r->t[j].next) {
			enum transcript_err e = check_value(r, j, name);

			if (e != TRANSCRIPT_OK)
				return e;
		}
		return TRANSCRIPT_OK;
	case TJ_OBJECT:
	default: {
		const struct tjson_tok *prev = NULL;
		char key[TRANSCRIPT_FIELD_MAX + 1];

		if (depth >= TRANSCRIPT_DEPTH_MAX)
			return FAIL(r, TRANSCRIPT_E_LIMIT, "data nested too deeply");
		if (t->count > TRANSCRIPT_MEMBERS_MAX)
			return FAIL(r, TRANSCRIPT_E_LIMIT, "data object has too many fields");
		for (uint32_t k = 0; k < t->count; k++, j = r->t[j + 1].next) {
			const struct tjson_tok *kt = &r->t[j];
			enum transcript_err e;
			enum transcript_err nr =
			    tjson_copy(r->s, kt, key, sizeof(key)) == 0 && kt->count == 0
				? tformat_field_name(key)
				: TRANSCRIPT_E_SCHEMA;

			if (nr == TRANSCRIPT_E_SECRET)
				return FAIL(r, TRANSCRIPT_E_SECRET,
					    "data field '%s' is named like a secret", key);
			if (nr != TRANSCRIPT_OK)
				return FAIL(r, TRANSCRIPT_E_SCHEMA,
					    "data field name is not [a-z][a-z0-9_]*");
			if (prev != NULL) {
				size_t m = prev->len < kt->len ? prev->len : kt->len;
				int cmp = memcmp(r->s + prev->start, r->s + kt->start, m);

				if (cmp > 0 || (cmp == 0 && prev->len >= kt->len))
					return FAIL(r, TRANSCRIPT_E_CANON,
						    "data fields not in byte order at '%s'", key);
			}
			e = check_value(r, j + 1, key);
			if (e != TRANSCRIPT_OK)
				return e;
			prev = kt;
		}
		return TRANSCRIPT_OK;
	}
	}
}

static int one_of(const struct rec *r, const struct tjson_tok *t, const char *const *words)
{
	for (size_t i = 0; words[i] != NULL; i++)
		if (tjson_is(r->s, t, words[i]))
			return 1;
	return 0;
}

static int field_ok(const struct rec *r, const struct tjson_tok *t, enum tformat_type type)
{
	static const char *const decisions[] = { "go", "no-go", NULL };
	static const char *const algs[] = { "ecdsa-p256-sha256", "ecdsa-p384-sha384",
					    "rsa-pkcs1-sha256", "ed25519", NULL };
	char buf[TRANSCRIPT_FILE_NAME_MAX + 1];
	const char *raw = r->s + t->start;
	int plain = t->type == TJ_STRING && t->count == 0; /* a string without escapes */

	switch (type) {
	case TF_STR:
		return t->type == TJ_STRING && t->len > 0;
	case TF_TOKEN:
		return plain && tjson_copy(r->s, t, buf, sizeof(buf)) == 0 &&
		       tformat_token(buf, TRANSCRIPT_TOKEN_MAX);
	case TF_FILE:
		return plain && tjson_copy(r->s, t, buf, sizeof(buf)) == 0 &&
		       tformat_token(buf, TRANSCRIPT_FILE_NAME_MAX);
	case TF_HEX32:
		return plain && tformat_hex(raw, t->len, 32);
	case TF_HEX:
		return plain && tformat_hex(raw, t->len, 0);
	case TF_SIG:
		return plain && tformat_hex(raw, t->len, crypto_sign_BYTES);
	case TF_INT:
		return t->type == TJ_INTEGER && t->integer >= 0;
	case TF_BOOL:
		return t->type == TJ_TRUE || t->type == TJ_FALSE;
	case TF_DECISION:
		return one_of(r, t, decisions);
	case TF_ROLE:
		return plain && tjson_copy(r->s, t, buf, sizeof(buf)) == 0 && tformat_role(buf);
	case TF_VERSION:
		return t->type == TJ_INTEGER && t->integer == TRANSCRIPT_FORMAT_VERSION;
	case TF_ALG:
		return one_of(r, t, algs);
	}
	return 0;
}

static long dtok(const struct rec *r, const char *name)
{
	return tjson_member(r->s, r->t, r->data, name);
}

static enum transcript_err check_event_fields(struct rec *r)
{
	for (const struct tformat_field *fd = r->ev->fields; fd->name != NULL; fd++) {
		long i = dtok(r, fd->name);

		if (i < 0) {
			if (fd->optional)
				continue;
			return FAIL(r, TRANSCRIPT_E_SCHEMA, "%s lacks data field '%s'", r->ev->name,
				    fd->name);
		}
		if (!field_ok(r, &r->t[i], fd->type))
			return FAIL(r, TRANSCRIPT_E_SCHEMA, "%s: data field '%s' is malformed",
				    r->ev->name, fd->name);
	}
	return TRANSCRIPT_OK;
}

/* Exactly the listed members, in the listed order; val[i] is the token of names[i]'s value. */
static enum transcript_err check_members(struct rec *r, size_t obj, const char *const *names,
					 size_t n, size_t *val, const char *what)
{
	size_t j = obj + 1, i;

	for (i = 0; i < n && i < r->t[obj].count && tjson_is(r->s, &r->t[j], names[i]); i++) {
		val[i] = j + 1;
		j = r->t[j + 1].next;
	}
	if (i == n && r->t[obj].count == n)
		return TRANSCRIPT_OK;
	/* Say what is wrong: a field missing, one too many, or the order. */
	for (i = 0; i < n; i++)
		if (tjson_member(r->s, r->t, obj, names[i]) < 0)
			return FAIL(r, TRANSCRIPT_E_SCHEMA, "%s lacks '%s'", what, names[i]);
	if (r->t[obj].count != n)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "%s has an unknown field", what);
	return FAIL(r, TRANSCRIPT_E_CANON, "%s fields out of order", what);
}

/* Everything one record says about itself, before it is compared with what came before. */
static enum transcript_err check_shape(struct rec *r)
{
	static const char *const top[] = { "seq", "time", "step", "actor", "event", "data", "prev" };
	static const char *const actor_fields[] = { "role", "name" };
	enum { SEQ, TIME, STEP, ACTOR, EVENT, DATA, PREV };
	const struct tjson_tok *t = r->t, *v;
	size_t f[7], a[2];
	char buf[32];
	enum transcript_err e;

	if (t[0].type != TJ_OBJECT)
		return FAIL(r, TRANSCRIPT_E_SYNTAX, "not a JSON object");
	e = check_members(r, 0, top, 7, f, "record");
	if (e != TRANSCRIPT_OK)
		return e;
	if (t[f[SEQ]].type != TJ_INTEGER)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "seq is not an integer");
	r->seqv = t[f[SEQ]].integer;
	v = &t[f[TIME]];
	if (v->type != TJ_STRING || v->count != 0 || v->len != TRANSCRIPT_TIME_LEN ||
	    tformat_time_check(r->s + v->start, v->len) != 0)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "time is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
	memcpy(r->time, r->s + v->start, TRANSCRIPT_TIME_LEN);
	r->time[TRANSCRIPT_TIME_LEN] = '\0';
	if (text(r, &t[f[STEP]], TRANSCRIPT_TEXT_MAX, 0) != 1)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "step is not printable text of 1 to %d bytes",
			    TRANSCRIPT_TEXT_MAX);
	if (t[f[ACTOR]].type != TJ_OBJECT)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "actor is not an object");
	e = check_members(r, f[ACTOR], actor_fields, 2, a, "actor");
	if (e != TRANSCRIPT_OK)
		return e;
	if (!field_ok(r, &t[a[0]], TF_ROLE))
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "actor role is not a known role");
	if (text(r, &t[a[1]], TRANSCRIPT_TEXT_MAX, 0) != 1)
		return FAIL(r, TRANSCRIPT_E_SCHEMA,
			    "actor name is not printable text of 1 to %d bytes", TRANSCRIPT_TEXT_MAX);
	v = &t[f[EVENT]];
	r->ev = v->type == TJ_STRING && tjson_copy(r->s, v, buf, sizeof(buf)) == 0
			? tformat_event(buf)
			: NULL;
	if (r->ev == NULL)
		return FAIL(r, TRANSCRIPT_E_EVENT, "event is not in the vocabulary");
	r->data = f[DATA];
	if (t[r->data].type != TJ_OBJECT)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "data is not an object");
	e = check_value(r, r->data, "data");
	if (e == TRANSCRIPT_OK)
		e = check_event_fields(r);
	if (e != TRANSCRIPT_OK)
		return e;
	v = &t[f[PREV]];
	if (!field_ok(r, v, TF_HEX32))
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "prev is not 64 lower-case hex digits");
	tformat_unhex(r->s + v->start, v->len, r->prev);
	return TRANSCRIPT_OK;
}

/* --- one record: against the records before it ------------------------------------------- */

/* A data field's string value (unescaped) in buf, or NULL when absent or too long. */
static const char *dstr(const struct rec *r, const char *name, char *buf, size_t n)
{
	long i = dtok(r, name);

	if (i < 0 || r->t[i].type != TJ_STRING || tjson_copy(r->s, &r->t[i], buf, n) != 0)
		return NULL;
	return buf;
}

/* A data field already checked as hex, decoded. */
static void dhex(const struct rec *r, const char *name, unsigned char *out)
{
	const struct tjson_tok *t = &r->t[dtok(r, name)];

	tformat_unhex(r->s + t->start, t->len, out);
}

static struct tkey *find_key(struct transcript_checker *c, const char *name)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i].name, name) == 0)
			return &c->keys[i];
	return NULL;
}

/* A pending change to the key table, applied only once the whole record is accepted. */
struct key_update {
	int add;	       /* a new key */
	struct tkey *existing; /* or a key learning its fingerprint or SPKI */
	char name[TRANSCRIPT_TOKEN_MAX + 1];
	int has_fpr;
	unsigned char fpr[32];
	unsigned char *spki;
	size_t spki_len;
	int has_cv;
	unsigned char cv[32];
	unsigned flags; /* TK_* the record adds to the key */
	size_t record;
};

/* Reads the optional spki / spki_sha256 pair (both must agree, and the SPKI must parse) and a
 * symmetric key's check_value. */
static enum transcript_err read_spki(struct rec *r, struct key_update *u)
{
	long si = dtok(r, "spki");
	unsigned char digest[32];
	const unsigned char *p;
	EVP_PKEY *pk;

	if (dtok(r, "check_value") >= 0) {
		dhex(r, "check_value", u->cv);
		u->has_cv = 1;
	}
	if (dtok(r, "spki_sha256") >= 0) {
		dhex(r, "spki_sha256", u->fpr);
		u->has_fpr = 1;
	}
	if (si < 0)
		return TRANSCRIPT_OK;
	if (!u->has_fpr)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "spki without spki_sha256");
	u->spki_len = r->t[si].len / 2;
	u->spki = malloc(u->spki_len);
	if (u->spki == NULL)
		return FAIL(r, TRANSCRIPT_E_NOMEM, "out of memory");
	dhex(r, "spki", u->spki);
	crypto_hash_sha256(digest, u->spki, u->spki_len);
	if (sodium_memcmp(digest, u->fpr, 32) != 0)
		return FAIL(r, TRANSCRIPT_E_CONFLICT, "spki_sha256 is not the SHA-256 of spki");
	p = u->spki;
	pk = d2i_PUBKEY(NULL, &p, (long)u->spki_len);
	EVP_PKEY_free(pk);
	if (pk == NULL || p != u->spki + u->spki_len)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "spki is not a DER SubjectPublicKeyInfo");
	return TRANSCRIPT_OK;
}

#define KM_ADD 1u  /* the record may introduce the key */
#define KM_NEW 2u  /* the record must introduce the key */
#define KM_FPR 4u  /* the key's public key (or a symmetric key's check value) must be known */
#define KM_SPKI 8u /* the record's spki and spki_sha256 fields describe this key */

/* The record names a key: it must agree with what the transcript already says about it. */
static enum transcript_err key_mention(struct rec *r, const char *field, unsigned how,
				       struct key_update *u)
{
	char name[TRANSCRIPT_TOKEN_MAX + 1];
	struct tkey *k;
	enum transcript_err e;

	if (dstr(r, field, name, sizeof(name)) == NULL)
		return FAIL(r, TRANSCRIPT_E_SCHEMA, "no key name in '%s'", field);
	k = find_key(r->c, name);
	if (how & KM_SPKI) {
		e = read_spki(r, u);
		if (e != TRANSCRIPT_OK)
			return e;
	}
	if (k != NULL && (how & KM_NEW))
		return FAIL(r, TRANSCRIPT_E_CONFLICT, "key '%s' already exists", name);
	if (k == NULL && !(how & KM_ADD))
		return FAIL(r, TRANSCRIPT_E_CONFLICT,
			    "key '%s' was not generated, reconstructed or imported before", name);
	if (k != NULL && k->has_fpr && u->has_fpr && sodium_memcmp(k->fpr, u->fpr, 32) != 0)
		return FAIL(r, TRANSCRIPT_E_CONFLICT, "key '%s' has a different public key than before",
			    name);
	if (k != NULL && k->has_cv && u->has_cv && sodium_memcmp(k->cv, u->cv, 32) != 0)
		return FAIL(r, TRANSCRIPT_E_CONFLICT, "key '%s' has a different check value than before",
			    name);
	if ((how & KM_FPR) && !(k != NULL && (k->has_fpr || k->has_cv)) && !u->has_fpr &&
	    !u->has_cv)
		return FAIL(r, TRANSCRIPT_E_CONFLICT, "key '%s' has no recorded public key", name);
	if (k == NULL && r->c->nkeys >= TRANSCRIPT_KEYS_MAX)
		return FAIL(r, TRANSCRIPT_E_LIMIT, "too many keys");
	memcpy(u->name, name, sizeof(name));
	u->add = k == NULL;
	u->existing = k;
	return TRANSCRIPT_OK;
}

static void key_apply(struct transcript_checker *c, struct key_update *u)
{
	struct tkey *k = u->existing;

	if (u->add) {
		k = &c->keys[c->nkeys++];
		memset(k, 0, sizeof(*k));
		memcpy(k->name, u->name, sizeof(k->name));
	}
	if (k == NULL)
		return;
	if (u->has_fpr && !k->has_fpr) {
		memcpy(k->fpr, u->fpr, 32);
		k->has_fpr = 1;
	}
	if (u->has_cv && !k->has_cv) {
		memcpy(k->cv, u->cv, 32);
		k->has_cv = 1;
	}
	if ((u->flags & TK_PROVEN) && !(k->flags & TK_PROVEN))
		k->pop_record = u->record;
	k->flags |= u->flags;
	if (u->spki != NULL && k->spki == NULL) {
		k->spki = u->spki;
		k->spki_len = u->spki_len;
		u->spki = NULL;
	}
}

/* What a signature covers: the record with data.sig emptied. In canonical form that is the
 * line with the signature's hex digits cut out. */
static size_t signed_message(const struct rec *r, unsigned char msg[TRANSCRIPT_SIG_MSG_MAX])
{
	const struct tjson_tok *sig = &r->t[dtok(r, "sig")];
	crypto_hash_sha256_state st;
	unsigned char digest[32];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)r->s, sig->start);
	crypto_hash_sha256_update(&st, (const unsigned char *)r->s + sig->start + sig->len,
				  r->len - sig->start - sig->len);
	crypto_hash_sha256_final(&st, digest);
	return tformat_sig_message(r->ev->name, digest, msg);
}

static enum transcript_err check_possession(struct rec *r, struct key_update *u)
{
	const struct tjson_tok *st = &r->t[dtok(r, "sig")];
	const unsigned char *p = u->spki;
	unsigned char msg[TRANSCRIPT_SIG_MSG_MAX], *sig = malloc(st->len / 2 + 1);
	const EVP_MD *md = NULL;
	EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)u->spki_len);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const char *alg = pk ? tformat_key_alg(pk, &md) : NULL;
	enum transcript_err e = TRANSCRIPT_OK;
	size_t mlen;

	if (sig == NULL || ctx == NULL || pk == NULL) {
		e = FAIL(r, TRANSCRIPT_E_NOMEM, "out of memory");
		goto out;
	}
	if (alg == NULL || !tjson_is(r->s, &r->t[dtok(r, "algorithm")], alg)) {
		e = FAIL(r, TRANSCRIPT_E_SCHEMA, "algorithm does not match the key in spki");
		goto out;
	}
	dhex(r, "sig", sig);
	mlen = signed_message(r, msg);
	if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) != 1 ||
	    EVP_DigestVerify(ctx, sig, st->len / 2, msg, mlen) != 1)
		e = FAIL(r, TRANSCRIPT_E_SIG, "proof-of-possession signature by key '%s' does not verify",
			 u->name);
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	free(sig);
	return e;
}

static enum transcript_err check_own_signature(struct rec *r)
{
	unsigned char msg[TRANSCRIPT_SIG_MSG_MAX], sig[crypto_sign_BYTES];
	const struct transcript_summary *sum = &r->c->sum;
	size_t mlen = signed_message(r, msg);

	dhex(r, "sig", sig);
	if (crypto_sign_verify_detached(sig, msg, mlen, sum->transcript_key) == 0)
		return TRANSCRIPT_OK;
	if (sum->has_signed)
		return FAIL(r, TRANSCRIPT_E_SIG,
			    "%s signature does not verify (records after %zu altered?)", r->ev->name,
			    sum->last_signed);
	return FAIL(r, TRANSCRIPT_E_SIG, "%s signature does not verify with the transcript key",
		    r->ev->name);
}

/* An artifact: one file name, one content, wherever the transcript names it. */
static enum transcript_err artifact_add(struct rec *r, struct tartifact *a)
{
	struct transcript_checker *c = r->c;

	memset(a, 0, sizeof(*a));
	a->event = r->ev->id;
	a->record = (size_t)r->seq;
	dstr(r, "file", a->file, sizeof(a->file));
	dhex(r, "sha256", a->sha256);
	dstr(r, "key", a->key, sizeof(a->key));
	dstr(r, "issuer", a->issuer, sizeof(a->issuer));
	if (r->ev->id == TEV_CERTIFICATE_ISSUED)
		dhex(r, "cert_sha256", a->cert_sha256);
	if (r->ev->id == TEV_KEY_REVEALED)
		dhex(r, "check_value", a->check_value);
	for (size_t i = 0; i < c->narts; i++)
		if (strcmp(c->arts[i].file, a->file) == 0 &&
		    memcmp(c->arts[i].sha256, a->sha256, 32) != 0)
			return FAIL(r, TRANSCRIPT_E_CONFLICT,
				    "file '%s' was recorded with another SHA-256 at record %zu",
				    a->file, c->arts[i].record);
	if (c->narts >= TRANSCRIPT_ARTIFACTS_MAX)
		return FAIL(r, TRANSCRIPT_E_LIMIT, "too many artifacts");
	return TRANSCRIPT_OK;
}

/* key-revealed: a symmetric key published as a file (file, sha256, check_value), or a public
 * key that was kept unpublished until now (spki, spki_sha256); never both. */
static enum transcript_err check_revealed(struct rec *r, struct key_update *u)
{
	int file = dtok(r, "file") >= 0, sha = dtok(r, "sha256") >= 0;
	int cv = dtok(r, "check_value") >= 0, spki = dtok(r, "spki") >= 0;

	if (file ? !(sha && cv) || spki : !spki || sha || cv)
		return FAIL(r, TRANSCRIPT_E_SCHEMA,
			    "key-revealed has either file, sha256 and check_value, or spki");
	return key_mention(r, "key", KM_FPR | KM_SPKI, u);
}

/* Whether the record names a file on the public medium. */
static int is_artifact(const struct rec *r)
{
	return (r->ev->flags & TEV_ARTIFACT) && dtok(r, "file") >= 0;
}

/* What this event means for the key table. */
static enum transcript_err check_event(struct rec *r, struct key_update *u)
{
	u->record = (size_t)r->seq;
	/* Held here: the anchor asks a proof of possession of every held key it published. */
	if (r->ev->id == TEV_KEY_GENERATED || r->ev->id == TEV_KEY_RECONSTRUCTED)
		u->flags = TK_HELD | (dtok(r, "spki") >= 0 ? TK_PUBLISHED : 0u);
	switch (r->ev->id) {
	case TEV_KEY_GENERATED:
		return key_mention(r, "key", KM_ADD | KM_NEW | KM_SPKI, u);
	case TEV_KEY_RECONSTRUCTED:
		return key_mention(r, "key", KM_ADD | KM_FPR | KM_SPKI, u);
	case TEV_INPUT_IMPORTED:
		if (dtok(r, "key") < 0)
			return read_spki(r, u);
		return key_mention(r, "key", KM_ADD | KM_SPKI, u);
	case TEV_RECONSTRUCTION_TESTED:
		return key_mention(r, "key", KM_SPKI, u);
	case TEV_KEY_WIPED:
	case TEV_SHARE_WRITTEN:
	case TEV_SHARE_VERIFIED:
	case TEV_SHARE_ACCEPTED:
		return key_mention(r, "key", 0, u);
	case TEV_CERTIFICATE_ISSUED: {
		enum transcript_err e = key_mention(r, "issuer", KM_FPR, u);

		return e != TRANSCRIPT_OK ? e : key_mention(r, "key", KM_FPR, u);
	}
	case TEV_CSR_EXPORTED:
		return key_mention(r, "key", KM_FPR, u);
	case TEV_CRL_ISSUED:
		return key_mention(r, "issuer", KM_FPR, u);
	case TEV_SHARE_COLLECTED:
		/* Shares come in before the key they rebuild is in the table. */
		return key_mention(r, "key", KM_ADD, u);
	case TEV_SHARES_SUPERSEDED:
		return key_mention(r, "key", KM_FPR, u);
	case TEV_KEY_REVEALED:
		return check_revealed(r, u);
	case TEV_CONTINGENCY_TESTED: {
		enum transcript_err e = key_mention(r, "wrapped_by", KM_FPR, u);

		return e != TRANSCRIPT_OK ? e : key_mention(r, "key", KM_FPR, u);
	}
	case TEV_POSSESSION: {
		enum transcript_err e = key_mention(r, "key", KM_FPR | KM_SPKI, u);

		u->flags = TK_PROVEN;
		return e != TRANSCRIPT_OK ? e : check_possession(r, u);
	}
	default:
		return TRANSCRIPT_OK;
	}
}

/* A line the scanner refused: not JSON at all, or JSON in another form than the canonical. */
static enum transcript_err classify(struct rec *r)
{
	json_error_t jerr;
	json_t *j = json_loadb(r->s, r->len, JSON_REJECT_DUPLICATES, &jerr);

	if (j == NULL)
		return FAIL(r, TRANSCRIPT_E_SYNTAX, "not JSON (at byte %d)", jerr.position);
	json_decref(j);
	return FAIL(r, TRANSCRIPT_E_CANON,
		    "not in canonical form (whitespace, escapes, number form, or a fraction)");
}

/* The line as a record on its own: the checker still takes records, the line fits, it scans as
 * canonical JSON, and its shape is right (check_shape). r->t is set. */
static enum transcript_err read_record(struct rec *r)
{
	struct transcript_checker *c = r->c;
	enum tjson_result scan;
	size_t ntok = 0, need;

	if (c->sum.outcome != TRANSCRIPT_OPEN)
		return FAIL(r, TRANSCRIPT_E_AFTER, "a record after the %s record",
			    c->sum.outcome == TRANSCRIPT_CLOSED ? "close" : "abort");
	if (c->sum.records >= TRANSCRIPT_RECORDS_MAX)
		return FAIL(r, TRANSCRIPT_E_LIMIT, "more than %d records", TRANSCRIPT_RECORDS_MAX);
	if (r->len > TRANSCRIPT_LINE_MAX)
		return FAIL(r, TRANSCRIPT_E_LIMIT, "line longer than %d bytes",
			    TRANSCRIPT_LINE_MAX);
	/* Every token starts at a byte of its own, so len + 1 tokens always suffice: the array
	 * grows to the longest line seen, not to the 128 KiB of TJSON_TOKENS_MAX, which a
	 * verification (and each fuzzing run) would otherwise allocate and fault in. */
	need = r->len < TJSON_TOKENS_MAX ? r->len + 1 : TJSON_TOKENS_MAX;
	if (need > c->tokcap) {
		struct tjson_tok *t = realloc(c->tok, need * sizeof(*t));

		if (t == NULL)
			return FAIL(r, TRANSCRIPT_E_NOMEM, "out of memory");
		c->tok = t;
		c->tokcap = need;
	}
	r->t = c->tok;
	scan = tjson_scan(r->s, r->len, c->tok, c->tokcap, &ntok);
	if (scan == TJSON_LIMIT)
		return FAIL(r, TRANSCRIPT_E_LIMIT, "nested deeper than %d or more than %d values",
			    TJSON_DEPTH_MAX, TJSON_TOKENS_MAX);
	if (scan != TJSON_OK)
		return classify(r);
	return check_shape(r);
}

/* The record's place in the chain: seq, prev, time, and ceremony-start first and only first.
 * Record 0 sets the summary's transcript key. */
static enum transcript_err check_place(struct rec *r)
{
	struct transcript_checker *c = r->c;

	if (r->seqv != r->seq)
		return FAIL(r, TRANSCRIPT_E_SEQ,
			    "seq is %lld, expected %ld (a record missing, repeated or moved)",
			    (long long)r->seqv, r->seq);
	if (r->seq == 0 ? !sodium_is_zero(r->prev, 32) : sodium_memcmp(r->prev, c->head, 32) != 0) {
		if (r->seq == 0)
			return FAIL(r, TRANSCRIPT_E_CHAIN, "record 0's prev is not zero");
		return FAIL(r, TRANSCRIPT_E_CHAIN,
			    "prev is not the SHA-256 of record %ld (record %ld altered, or records "
			    "spliced)",
			    r->seq - 1, r->seq - 1);
	}
	if (r->seq > 0 && strcmp(r->time, c->last_time) < 0)
		return FAIL(r, TRANSCRIPT_E_TIME, "time %s is earlier than record %ld's %s",
			    r->time, r->seq - 1, c->last_time);
	if (r->seq == 0 && r->ev->id != TEV_START)
		return FAIL(r, TRANSCRIPT_E_EVENT, "record 0 is not ceremony-start");
	if (r->seq != 0 && r->ev->id == TEV_START)
		return FAIL(r, TRANSCRIPT_E_EVENT,
			    "ceremony-start after record 0 (spliced from another transcript?)");
	if (r->seq == 0)
		dhex(r, "transcript_key", c->sum.transcript_key);
	return TRANSCRIPT_OK;
}

/* What the record says, against the records before it: its keys (into u), its artifact (into
 * art), a closing record's final digest, and a signed record's signature. */
static enum transcript_err check_meaning(struct rec *r, struct key_update *u, struct tartifact *art)
{
	unsigned char digest[32];
	enum transcript_err e = check_event(r, u);

	if (e == TRANSCRIPT_OK && is_artifact(r))
		e = artifact_add(r, art);
	if (e == TRANSCRIPT_OK && (r->ev->flags & TEV_TERMINAL)) {
		dhex(r, "final", digest);
		if (sodium_memcmp(digest, r->prev, 32) != 0)
			e = FAIL(r, TRANSCRIPT_E_FINAL, "final is not the SHA-256 of record %ld",
				 r->seq - 1);
	}
	if (e == TRANSCRIPT_OK && (r->ev->flags & TEV_SIGNED))
		e = check_own_signature(r);
	return e;
}

/* Everything accepting the record needs memory for: the parsed record (*rec) when the caller
 * wants it (want) or it is record 0 (the summary keeps its data), and room for its artifact. */
static enum transcript_err make_room(struct rec *r, int want, json_t **rec)
{
	struct transcript_checker *c = r->c;

	if (want || r->seq == 0) {
		/* Only callers that want the record (and record 0's summary) pay for jansson. */
		*rec = json_loadb(r->s, r->len, 0, NULL);
		if (*rec == NULL)
			return FAIL(r, TRANSCRIPT_E_NOMEM, "out of memory");
	}
	if (is_artifact(r)) {
		struct tartifact *n = realloc(c->arts, (c->narts + 1) * sizeof(*n));

		if (n == NULL)
			return FAIL(r, TRANSCRIPT_E_NOMEM, "out of memory");
		c->arts = n;
	}
	return TRANSCRIPT_OK;
}

/* The record is accepted: the checker takes in what it says. Cannot fail. */
static void accept(struct rec *r, struct key_update *u, const struct tartifact *art,
		   const json_t *rec)
{
	struct transcript_checker *c = r->c;

	if (is_artifact(r))
		c->arts[c->narts++] = *art;
	if (r->seq == 0)
		c->sum.start = json_incref(json_object_get(rec, "data"));
	key_apply(c, u);
	if (r->ev->flags & TEV_SIGNED || r->ev->id == TEV_POSSESSION) {
		c->sum.has_signed = 1;
		c->sum.last_signed = (size_t)r->seq;
	}
	if (r->ev->id == TEV_CHECKPOINT)
		c->sum.checkpoints++;
	if (r->ev->id == TEV_POSSESSION)
		c->sum.possessions++;
	if (r->ev->flags & TEV_TERMINAL) {
		c->sum.outcome = r->ev->id == TEV_CLOSE ? TRANSCRIPT_CLOSED : TRANSCRIPT_ABORTED;
		memcpy(c->sum.final_digest, r->prev, 32);
	}
	crypto_hash_sha256(c->head, (const unsigned char *)r->s, r->len);
	memcpy(c->last_time, r->time, sizeof(r->time));
	c->sum.records++;
}

enum transcript_err transcript_checker_feed(struct transcript_checker *c, const char *line,
					    size_t len, json_t **record)
{
	struct rec r = {c, line, len, NULL, (long)c->sum.records, 0, NULL, 0, {0}, ""};
	struct key_update u = {0};
	struct tartifact art;
	json_t *rec = NULL;
	enum transcript_err e;

	if (record != NULL)
		*record = NULL;
	e = read_record(&r);
	if (e == TRANSCRIPT_OK)
		e = check_place(&r);
	if (e == TRANSCRIPT_OK)
		e = check_meaning(&r, &u, &art);
	if (e == TRANSCRIPT_OK)
		e = make_room(&r, record != NULL, &rec);
	if (e != TRANSCRIPT_OK)
		goto out;
	accept(&r, &u, &art, rec);
	if (record != NULL) {
		*record = rec;
		rec = NULL;
	}
out:
	free(u.spki);
	json_decref(rec);
	return e;
}

enum transcript_err transcript_checker_artifacts(struct transcript_checker *c, const char *dir)
{
	enum transcript_err e = tartifacts_check(dir, c->arts, c->narts, c->keys, c->nkeys, &c->fail,
						 &c->sum.artifacts_checked,
						 &c->sum.objects_checked);

	if (e != TRANSCRIPT_OK)
		return e;
	e = tartifacts_anchor(dir, c->arts, c->narts, c->keys, c->nkeys,
			      json_is_true(json_object_get(c->sum.start, "rehearsal")),
			      c->sum.outcome == TRANSCRIPT_CLOSED, &c->fail);
	if (e == TRANSCRIPT_OK)
		c->sum.anchored = 1;
	return e;
}

enum transcript_err transcript_verify(const unsigned char *buf, size_t len,
				      const struct transcript_verify_opts *opts,
				      struct transcript_summary *sum,
				      struct transcript_failure *fail)
{
	struct transcript_checker *c = transcript_checker_new();
	enum transcript_err e = TRANSCRIPT_OK;
	size_t pos = 0;

	memset(sum, 0, sizeof(*sum));
	memset(fail, 0, sizeof(*fail));
	if (c == NULL)
		return tformat_fail(fail, TRANSCRIPT_E_NOMEM, -1, "out of memory");
	while (pos < len) {
		const unsigned char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n;
		json_t *rec = NULL;

		if (nl == NULL) {
			/* Only a crash leaves a line without its newline: say so, not "tampered".
			 * But the writer appends nothing after a close or abort: bytes there were
			 * added afterwards. */
			if (c->sum.outcome != TRANSCRIPT_OPEN)
				e = tformat_fail(&c->fail, TRANSCRIPT_E_AFTER, -1,
						 "data after the %s record (record %zu): added "
						 "after the ceremony",
						 c->sum.outcome == TRANSCRIPT_CLOSED ? "close" : "abort",
						 c->sum.records - 1);
			else if (c->sum.records == 0)
				e = tformat_fail(&c->fail, TRANSCRIPT_E_TRUNCATED, -1,
					    "truncated before the first record");
			else
				e = tformat_fail(&c->fail, TRANSCRIPT_E_TRUNCATED, -1,
					    "truncated after record %zu", c->sum.records - 1);
			c->fail.record = c->sum.records;
			break;
		}
		n = (size_t)(nl - (buf + pos));
		e = transcript_checker_feed(c, (const char *)buf + pos, n,
					    opts && opts->on_record ? &rec : NULL);
		if (e == TRANSCRIPT_OK && rec != NULL &&
		    opts->on_record(opts->ctx, c->sum.records - 1, rec) != 0)
			e = tformat_fail(&c->fail, TRANSCRIPT_E_NOMEM, -1, "the report could not be built");
		json_decref(rec);
		if (e != TRANSCRIPT_OK)
			break;
		pos += n + 1;
	}
	if (e == TRANSCRIPT_OK && c->sum.records == 0)
		e = tformat_fail(&c->fail, TRANSCRIPT_E_TRUNCATED, -1, "empty transcript");
	if (e == TRANSCRIPT_OK && c->sum.outcome == TRANSCRIPT_OPEN)
		e = tformat_fail(&c->fail, TRANSCRIPT_E_INCOMPLETE, -1,
			    "ends after record %zu without a close or abort record",
			    c->sum.records - 1);
	if (e == TRANSCRIPT_OK && opts && opts->artifacts_dir)
		e = transcript_checker_artifacts(c, opts->artifacts_dir);
	*sum = c->sum;
	*fail = c->fail;
	c->sum.start = NULL; /* moved to the caller */
	transcript_checker_free(c);
	return e;
}
