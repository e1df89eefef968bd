#include "ceremony/transcript/transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/transcript/transcript_format.h"
#include "ceremony/transcript/transcript_verify.h"

enum { T_OPEN, T_DONE, T_FAILED };

/* Building a record fails only on a string that is not UTF-8, or on memory. */
#define NOT_BUILT "the record could not be built (a string that is not UTF-8?)"

struct transcript {
	int fd[2];
	size_t nfd;
	char *path[2];
	int state;
	unsigned char *sk; /* sodium_malloc, PROT_NONE except while signing */
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char head[32];
	char last_time[TRANSCRIPT_TIME_LEN + 1];
	off_t size;
	crypto_hash_sha256_state file_hash; /* of everything written, for the read-back */
	struct transcript_checker *chk;
	struct transcript_env env;
	char detail[TRANSCRIPT_DETAIL_MAX];
};

static enum transcript_err says(struct transcript *t, enum transcript_err e, const char *what)
{
	snprintf(t->detail, sizeof(t->detail), "%s", what);
	return e;
}

static void wipe_key(struct transcript *t)
{
	if (t->sk == NULL)
		return;
	sodium_mprotect_readwrite(t->sk);
	sodium_memzero(t->sk, crypto_sign_SECRETKEYBYTES);
	sodium_free(t->sk);
	t->sk = NULL;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory entry of a new file must be durable too, or a crash can lose the file. */
static int sync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = -1;

	if (copy == NULL)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		ret = fsync(fd);
		close(fd);
	}
	free(copy);
	return ret;
}

static void fail_io(struct transcript *t, const char *what, int err)
{
	/* Cut off a torn line so that the copies end at the last whole record. */
	for (size_t i = 0; i < t->nfd; i++)
		if (ftruncate(t->fd[i], t->size) == 0)
			fdatasync(t->fd[i]);
	t->state = T_FAILED;
	/* Which failure (a full medium, one that went away) tells people what to do next. */
	snprintf(t->detail, sizeof(t->detail), "%s (%s)", what,
		 err == 0 ? "nothing written" : strerror(err));
}

/* Checks the record with the verifier's checker, then appends its line to every copy. */
static enum transcript_err emit(struct transcript *t, json_t *rec)
{
	char *line, *buf;
	size_t len = 0;
	enum transcript_err e;

	line = tformat_dump(rec, &len);
	if (line == NULL)
		return says(t, TRANSCRIPT_E_NOMEM, "out of memory");
	e = transcript_checker_feed(t->chk, line, len, NULL);
	if (e != TRANSCRIPT_OK) {
		free(line);
		return says(t, e, transcript_checker_failure(t->chk)->detail);
	}
	buf = realloc(line, len + 1);
	if (buf == NULL) {
		free(line);
		/* The checker has accepted the record: the transcript cannot go on without it. */
		t->state = T_FAILED;
		return says(t, TRANSCRIPT_E_NOMEM, "out of memory");
	}
	buf[len] = '\n';
	for (size_t i = 0; i < t->nfd; i++) {
		errno = 0;
		if (write_all(t->fd[i], buf, len + 1) != 0 || fdatasync(t->fd[i]) != 0) {
			int err = errno;

			free(buf);
			fail_io(t,
				i == 0 ? "writing the transcript failed"
				       : "writing the transcript's copy failed",
				err);
			return TRANSCRIPT_E_IO;
		}
	}
	crypto_hash_sha256(t->head, (const unsigned char *)buf, len);
	crypto_hash_sha256_update(&t->file_hash, (const unsigned char *)buf, len + 1);
	t->size += (off_t)(len + 1);
	free(buf);
	t->detail[0] = '\0';
	return TRANSCRIPT_OK;
}

/* A record in the documented key order; data (a new reference, stolen) gets sorted keys. */
static json_t *record(struct transcript *t, const char *step, const struct transcript_actor *a,
		      const char *event, json_t *data)
{
	char now[TRANSCRIPT_TIME_LEN + 1], prev[65];
	int64_t secs = t->env.now ? t->env.now(t->env.ctx) : (int64_t)time(NULL);
	json_t *rec = json_object(), *actor = json_object(), *sorted = tformat_sorted(data);
	int bad = rec == NULL || actor == NULL || sorted == NULL;

	json_decref(data);
	if (tformat_time(secs, now) != 0)
		bad = 1;
	/* A clock stepping back must not break the order the verifier checks. */
	else if (strcmp(now, t->last_time) < 0)
		memcpy(now, t->last_time, sizeof(now));
	tformat_tohex(t->head, 32, prev);
	bad |= json_object_set_new(actor, "role", json_string(a && a->role ? a->role : "")) != 0;
	bad |= json_object_set_new(actor, "name", json_string(a && a->name ? a->name : "")) != 0;
	bad |= json_object_set_new(rec, "seq",
				   json_integer((json_int_t)transcript_records(t))) != 0;
	bad |= json_object_set_new(rec, "time", json_string(now)) != 0;
	bad |= json_object_set_new(rec, "step", json_string(step ? step : "")) != 0;
	bad |= json_object_set(rec, "actor", actor) != 0;
	bad |= json_object_set_new(rec, "event", json_string(event)) != 0;
	bad |= json_object_set(rec, "data", sorted) != 0;
	bad |= json_object_set_new(rec, "prev", json_string(prev)) != 0;
	json_decref(actor);
	json_decref(sorted);
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	memcpy(t->last_time, now, sizeof(now));
	return rec;
}

/* Signs the record with the transcript key into data.sig, then emits it. */
static enum transcript_err emit_signed(struct transcript *t, json_t *rec, const char *event)
{
	unsigned char digest[32], msg[TRANSCRIPT_SIG_MSG_MAX], sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	size_t mlen;
	int r;

	if (tformat_unsigned_digest(rec, digest) != 0)
		return says(t, TRANSCRIPT_E_NOMEM, "out of memory");
	mlen = tformat_sig_message(event, digest, msg);
	sodium_mprotect_readonly(t->sk);
	r = crypto_sign_detached(sig, NULL, msg, mlen, t->sk);
	sodium_mprotect_noaccess(t->sk);
	if (r != 0)
		return says(t, TRANSCRIPT_E_SIG, "signing failed");
	tformat_tohex(sig, sizeof(sig), hex);
	if (json_object_set_new(json_object_get(rec, "data"), "sig", json_string(hex)) != 0)
		return says(t, TRANSCRIPT_E_NOMEM, "out of memory");
	return emit(t, rec);
}

static enum transcript_err usable(struct transcript *t)
{
	if (t == NULL)
		return TRANSCRIPT_E_INVAL;
	/* A failed transcript keeps saying why it failed. */
	if (t->state == T_FAILED)
		return TRANSCRIPT_E_STATE;
	if (t->state != T_OPEN)
		return says(t, TRANSCRIPT_E_STATE, "the transcript is closed, aborted or failed");
	return TRANSCRIPT_OK;
}

static json_t *start_data(const struct transcript_start *s, const unsigned char pk[32])
{
	char hex[65];
	json_t *d = s->extra ? json_deep_copy(s->extra) : json_object();
	int bad = d == NULL || !json_is_object(d);

	if (bad) {
		json_decref(d);
		return NULL;
	}
	/* The named fields win: extra cannot replace them. */
	bad |= json_object_set_new(d, "version", json_integer(TRANSCRIPT_FORMAT_VERSION));
	bad |= json_object_set_new(d, "ceremony", json_string(s->ceremony_id ? s->ceremony_id : ""));
	bad |= json_object_set_new(d, "title", json_string(s->title ? s->title : ""));
	tformat_tohex(s->script_sha256, 32, hex);
	bad |= json_object_set_new(d, "script_sha256", json_string(hex));
	tformat_tohex(s->image_sha256, 32, hex);
	bad |= json_object_set_new(d, "image_sha256", json_string(hex));
	bad |= json_object_set_new(d, "rehearsal", json_boolean(s->rehearsal));
	tformat_tohex(pk, 32, hex);
	bad |= json_object_set_new(d, "transcript_key", json_string(hex));
	if (s->has_predecessor) {
		tformat_tohex(s->predecessor, 32, hex);
		bad |= json_object_set_new(d, "predecessor", json_string(hex));
	} else {
		json_object_del(d, "predecessor");
	}
	if (bad) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static enum transcript_err open_copy(struct transcript *t, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
		      0644);

	if (fd < 0)
		return errno == EEXIST ? TRANSCRIPT_E_EXIST : TRANSCRIPT_E_IO;
	t->fd[t->nfd] = fd;
	t->path[t->nfd] = strdup(path);
	t->nfd++;
	if (t->path[t->nfd - 1] == NULL)
		return TRANSCRIPT_E_NOMEM;
	if (sync_parent(path) != 0)
		return TRANSCRIPT_E_IO;
	return TRANSCRIPT_OK;
}

static void close_files(struct transcript *t, int remove)
{
	for (size_t i = 0; i < t->nfd; i++) {
		close(t->fd[i]);
		if (remove)
			unlink(t->path[i]);
		free(t->path[i]);
	}
	t->nfd = 0;
}

enum transcript_err transcript_create(struct transcript **out, const char *path,
				      const char *copy_path, const struct transcript_start *start,
				      const char *step, const struct transcript_actor *actor,
				      const struct transcript_env *env)
{
	struct transcript *t;
	unsigned char *seed = NULL;
	json_t *rec;
	enum transcript_err e;

	if (out == NULL)
		return TRANSCRIPT_E_INVAL;
	*out = NULL;
	if (path == NULL || start == NULL || (start->extra && tformat_has_fraction(start->extra)))
		return TRANSCRIPT_E_INVAL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return TRANSCRIPT_E_NOMEM;
	if (env != NULL)
		t->env = *env;
	crypto_hash_sha256_init(&t->file_hash);
	t->chk = transcript_checker_new();
	t->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	seed = sodium_malloc(crypto_sign_SEEDBYTES);
	if (t->chk == NULL || t->sk == NULL || seed == NULL) {
		e = TRANSCRIPT_E_NOMEM;
		goto fail;
	}
	if (t->env.random)
		t->env.random(t->env.ctx, seed, crypto_sign_SEEDBYTES);
	else
		randombytes_buf(seed, crypto_sign_SEEDBYTES);
	crypto_sign_seed_keypair(t->pk, t->sk, seed);
	sodium_memzero(seed, crypto_sign_SEEDBYTES);
	sodium_mprotect_noaccess(t->sk);

	e = open_copy(t, path);
	if (e == TRANSCRIPT_OK && copy_path != NULL)
		e = open_copy(t, copy_path);
	if (e != TRANSCRIPT_OK)
		goto fail;
	rec = record(t, step, actor, "ceremony-start", start_data(start, t->pk));
	e = rec ? emit(t, rec) : TRANSCRIPT_E_INVAL;
	json_decref(rec);
	if (e != TRANSCRIPT_OK)
		goto fail;
	sodium_free(seed);
	*out = t;
	return TRANSCRIPT_OK;
fail:
	sodium_free(seed);
	/* Only files this call created (O_EXCL) are removed. */
	close_files(t, 1);
	transcript_free(t);
	return e;
}

enum transcript_err transcript_append(struct transcript *t, const char *step,
				      const struct transcript_actor *actor, const char *event,
				      const json_t *data)
{
	const struct tformat_event *ev = event ? tformat_event(event) : NULL;
	enum transcript_err e = usable(t);
	json_t *rec;

	if (e != TRANSCRIPT_OK)
		return e;
	if (ev == NULL || (ev->flags & TEV_RESERVED))
		return says(t, TRANSCRIPT_E_EVENT, "not an event transcript_append may write");
	if (!json_is_object(data))
		return says(t, TRANSCRIPT_E_INVAL, "data is not a JSON object");
	/* jansson would write it, but the canonical form has no place for it: say so plainly. */
	if (tformat_has_fraction(data))
		return says(t, TRANSCRIPT_E_SCHEMA, "data holds a fraction: integers only");
	rec = record(t, step, actor, event, json_incref(tformat_mut(data)));
	if (rec == NULL)
		return says(t, TRANSCRIPT_E_INVAL, NOT_BUILT);
	e = emit(t, rec);
	json_decref(rec);
	return e;
}

enum transcript_err transcript_checkpoint(struct transcript *t, const char *step,
					  const struct transcript_actor *actor, const char *phase)
{
	enum transcript_err e = usable(t);
	json_t *rec;

	if (e != TRANSCRIPT_OK)
		return e;
	rec = record(t, step, actor, "checkpoint",
		     phase ? json_pack("{s:s,s:s}", "sig", "", "phase", phase)
			   : json_pack("{s:s}", "sig", ""));
	if (rec == NULL)
		return says(t, TRANSCRIPT_E_INVAL, NOT_BUILT);
	e = emit_signed(t, rec, "checkpoint");
	json_decref(rec);
	return e;
}

static enum transcript_err possession_sig(struct transcript *t, json_t *rec, EVP_PKEY *key,
					  const EVP_MD *md)
{
	unsigned char digest[32], msg[TRANSCRIPT_SIG_MSG_MAX], *sig = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t mlen, siglen = 0;
	char *hex = NULL;
	enum transcript_err e = TRANSCRIPT_E_NOMEM;

	if (ctx == NULL || tformat_unsigned_digest(rec, digest) != 0)
		goto out;
	mlen = tformat_sig_message("proof-of-possession", digest, msg);
	if (EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, msg, mlen) != 1) {
		e = says(t, TRANSCRIPT_E_KEY, "the key cannot sign");
		goto out;
	}
	sig = malloc(siglen);
	hex = malloc(2 * siglen + 1);
	if (sig == NULL || hex == NULL)
		goto out;
	if (EVP_DigestSign(ctx, sig, &siglen, msg, mlen) != 1) {
		e = says(t, TRANSCRIPT_E_KEY, "the key cannot sign");
		goto out;
	}
	tformat_tohex(sig, siglen, hex);
	if (json_object_set_new(json_object_get(rec, "data"), "sig", json_string(hex)) != 0)
		goto out;
	/* emit verifies the signature against the published key before writing it. */
	e = emit(t, rec);
out:
	if (e == TRANSCRIPT_E_NOMEM)
		says(t, e, "out of memory");
	EVP_MD_CTX_free(ctx);
	free(sig);
	free(hex);
	return e;
}

enum transcript_err transcript_prove_possession(struct transcript *t, const char *step,
						const struct transcript_actor *actor,
						const char *key_name, EVP_PKEY *key)
{
	enum transcript_err e = usable(t);
	const EVP_MD *md = NULL;
	const char *alg;
	unsigned char *der = NULL, fpr[32];
	char *spki = NULL, fhex[65];
	json_t *rec = NULL;
	int n;

	if (e != TRANSCRIPT_OK)
		return e;
	if (key == NULL || key_name == NULL)
		return says(t, TRANSCRIPT_E_INVAL, "no key");
	alg = tformat_key_alg(key, &md);
	if (alg == NULL)
		return says(t, TRANSCRIPT_E_KEY,
			    "not ECDSA P-256/P-384, RSA of 2048 bits or more, or Ed25519");
	n = i2d_PUBKEY(key, &der);
	if (n <= 0)
		return says(t, TRANSCRIPT_E_KEY, "the public key cannot be encoded");
	spki = malloc(2 * (size_t)n + 1);
	if (spki == NULL) {
		e = says(t, TRANSCRIPT_E_NOMEM, "out of memory");
		goto out;
	}
	tformat_tohex(der, (size_t)n, spki);
	crypto_hash_sha256(fpr, der, (unsigned long long)n);
	tformat_tohex(fpr, 32, fhex);
	rec = record(t, step, actor, "proof-of-possession",
		     json_pack("{s:s,s:s,s:s,s:s,s:s}", "algorithm", alg, "key", key_name, "sig",
			       "", "spki", spki, "spki_sha256", fhex));
	if (rec == NULL) {
		e = says(t, TRANSCRIPT_E_INVAL, NOT_BUILT);
		goto out;
	}
	e = possession_sig(t, rec, key, md);
out:
	json_decref(rec);
	OPENSSL_free(der);
	free(spki);
	return e;
}

/* Reads a copy back whole and compares it with what was written. */
static int read_back(const char *path, const unsigned char want[32])
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], got[32];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		crypto_hash_sha256_update(&st, buf, (size_t)n);
	}
	close(fd);
	crypto_hash_sha256_final(&st, got);
	return sodium_memcmp(got, want, 32) == 0 ? 0 : -1;
}

static enum transcript_err finish(struct transcript *t, const char *step,
				  const struct transcript_actor *actor, const char *event,
				  json_t *data, unsigned char final[32])
{
	unsigned char want[32];
	char hex[65];
	json_t *rec;
	enum transcript_err e = TRANSCRIPT_E_NOMEM;

	tformat_tohex(t->head, 32, hex);
	if (data != NULL && (json_object_set_new(data, "final", json_string(hex)) != 0 ||
			     json_object_set_new(data, "sig", json_string("")) != 0)) {
		json_decref(data);
		data = NULL;
	}
	rec = data ? record(t, step, actor, event, data) : NULL;
	if (rec == NULL)
		return says(t, TRANSCRIPT_E_INVAL, NOT_BUILT);
	memcpy(final, t->head, 32);
	e = emit_signed(t, rec, event);
	json_decref(rec);
	if (e != TRANSCRIPT_OK)
		return e;
	wipe_key(t);
	t->state = T_DONE;
	crypto_hash_sha256_final(&t->file_hash, want);
	for (size_t i = 0; i < t->nfd; i++)
		if (read_back(t->path[i], want) != 0)
			return says(t, TRANSCRIPT_E_IO,
				    i == 0 ? "the transcript read back differs from what was written"
					   : "the copy read back differs from what was written");
	return TRANSCRIPT_OK;
}

enum transcript_err transcript_close(struct transcript *t, const char *step,
				     const struct transcript_actor *actor, unsigned char final[32])
{
	enum transcript_err e = usable(t);

	if (e != TRANSCRIPT_OK)
		return e;
	if (final == NULL)
		return says(t, TRANSCRIPT_E_INVAL, "no place for the final digest");
	return finish(t, step, actor, "close", json_object(), final);
}

enum transcript_err transcript_abort(struct transcript *t, const char *step,
				     const struct transcript_actor *actor, const char *reason,
				     unsigned char final[32])
{
	enum transcript_err e = usable(t);

	if (e != TRANSCRIPT_OK)
		return e;
	if (reason == NULL || final == NULL)
		return says(t, TRANSCRIPT_E_INVAL, "no reason, or no place for the final digest");
	return finish(t, step, actor, "abort", json_pack("{s:s}", "reason", reason), final);
}

void transcript_public_key(const struct transcript *t, unsigned char pk[32])
{
	memcpy(pk, t->pk, 32);
}

void transcript_head(const struct transcript *t, unsigned char head[32])
{
	memcpy(head, t->head, 32);
}

size_t transcript_records(const struct transcript *t)
{
	return transcript_checker_summary(t->chk)->records;
}

const char *transcript_detail(const struct transcript *t)
{
	return t ? t->detail : "";
}

void transcript_free(struct transcript *t)
{
	if (t == NULL)
		return;
	wipe_key(t);
	close_files(t, 0);
	transcript_checker_free(t->chk);
	free(t);
}
