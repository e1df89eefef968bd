/* The run loop: load, start the transcript, run each step, close or abort. */
#include "ceremony/engine/engine.h"

#include "ceremony/cli/cli.h"

#include <errno.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ceremony/base/checkvalue.h"
#include "ceremony/engine/engine_impl.h"
#include "ceremony/base/fpr.h"
#include "ceremony/base/keyfile.h"
#include "ceremony/pki/rawkey.h"
#include "ceremony/checks/preflight.h"
#include "media/error.h"
#include "media/medium.h"

const struct transcript_actor engine_system = { "system", "ceremony" };

static const step_fn handlers[SCRIPT_ACTION_COUNT] = {
	[SCRIPT_ACT_GO_NO_GO] = engine_step_go,
	[SCRIPT_ACT_ATTENDANCE] = engine_step_attendance,
	[SCRIPT_ACT_ENTROPY] = engine_step_entropy,
	[SCRIPT_ACT_GENERATE_KEY] = engine_step_generate,
	[SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE] = engine_step_root_cert,
	[SCRIPT_ACT_EXPORT_CSR] = engine_step_export_csr,
	[SCRIPT_ACT_SHOW_FINGERPRINTS] = engine_step_fingerprints,
	[SCRIPT_ACT_SPLIT_SHARES] = engine_step_split,
	[SCRIPT_ACT_TEST_RECONSTRUCTION] = engine_step_test,
	[SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS] = engine_step_publish,
	[SCRIPT_ACT_COLLECT_SHARES] = engine_step_collect,
	[SCRIPT_ACT_SIGN_CSR] = engine_step_sign_csr,
	[SCRIPT_ACT_SIGN_CRL] = engine_step_sign_crl,
	[SCRIPT_ACT_IMPORT_CERTIFICATE] = engine_step_import,
	[SCRIPT_ACT_CONTINGENCY_TEST] = engine_step_contingency_test,
	[SCRIPT_ACT_CONTINGENCY_REPLACE] = engine_step_contingency_replace,
	[SCRIPT_ACT_RESHARE] = engine_step_reshare,
	[SCRIPT_ACT_ACKNOWLEDGE] = engine_step_acknowledge,
	[SCRIPT_ACT_CLOSE] = engine_step_close,
};

/* Phases, for the signed checkpoints: one is written whenever the phase changes. */
enum phase { PHASE_NONE, PHASE_PREPARATION, PHASE_KEYS, PHASE_SHARES, PHASE_OUTPUTS };

static enum phase phase_of(enum script_action a, enum phase current)
{
	switch (a) {
	case SCRIPT_ACT_GO_NO_GO:
	case SCRIPT_ACT_ATTENDANCE:
	case SCRIPT_ACT_ENTROPY:
		return PHASE_PREPARATION;
	case SCRIPT_ACT_SPLIT_SHARES:
	case SCRIPT_ACT_TEST_RECONSTRUCTION:
	case SCRIPT_ACT_COLLECT_SHARES:
	case SCRIPT_ACT_RESHARE:
		return PHASE_SHARES;
	case SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS:
		return PHASE_OUTPUTS;
	case SCRIPT_ACT_ACKNOWLEDGE:
	case SCRIPT_ACT_CLOSE:
		return current;
	default:
		return PHASE_KEYS;
	}
}

static const char *const phase_names[] = { "none", "preparation", "keys", "shares", "outputs" };

const char *engine_result_name(enum engine_result r)
{
	switch (r) {
	case ENGINE_DONE:
		return "closed";
	case ENGINE_NOGO:
		return "NO-GO";
	case ENGINE_FAILED:
		return "failed";
	case ENGINE_ABORTED:
		return "aborted";
	case ENGINE_ERROR:
		return "error";
	}
	return "unknown";
}

enum step_rc engine_fail(struct engine *e, enum step_rc rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	return rc;
}

enum step_rc engine_prompt_rc(struct engine *e, int prc, const char *id)
{
	switch (prc) {
	case PROMPT_OK:
		return STEP_OK;
	case PROMPT_INTERRUPTED:
		return engine_fail(e, STEP_INTERRUPTED, "interrupted at prompt %s", id);
	case PROMPT_MISSING:
		return engine_fail(e, STEP_INTERRUPTED, "no answer for prompt %s", id);
	case PROMPT_INVALID:
		return engine_fail(e, STEP_FAILED, "answer to %s refused: %s", id,
				   prompt_reason(e->p));
	case PROMPT_EOF:
		return engine_fail(e, STEP_INTERRUPTED, "end of input at prompt %s", id);
	default:
		return engine_fail(e, STEP_ERROR, "prompt %s: %s", id, prompt_strerror(prc));
	}
}

enum step_rc engine_record(struct engine *e, const struct transcript_actor *actor,
			   const char *event, json_t *data)
{
	enum transcript_err terr;
	json_t *obj = data ? data : json_object();

	if (obj == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	terr = transcript_append(e->t, e->step ? e->step->id : "start", actor, event, obj);
	json_decref(obj);
	if (terr != TRANSCRIPT_OK)
		return engine_fail(e, STEP_ERROR, "transcript: %s %s", transcript_strerror(terr),
				   transcript_detail(e->t));
	return STEP_OK;
}

struct transcript_actor engine_actor(const struct script_participant *p)
{
	struct transcript_actor a = { script_role_name(p->role), p->name };

	return a;
}

struct transcript_actor engine_step_actor(struct engine *e, const struct script_step *s)
{
	const struct script_plan *plan = e->plan;

	if (!s->actor.is_role)
		return engine_actor(s->actor.participant);
	for (unsigned i = 0; i < plan->participant_count; i++) {
		const struct script_participant *p = &plan->participants[i];

		if (p->role == s->actor.role && e->present[p->index])
			return engine_actor(p);
	}
	return engine_system;
}

struct engine_key *engine_key(struct engine *e, const struct script_key *sk)
{
	return &e->keys[sk->index];
}

int64_t engine_now(const struct engine *e)
{
	return e->o->fixed_time ? e->o->fixed_time : (int64_t)time(NULL);
}

json_t *engine_json_hex(const uint8_t *b, size_t len)
{
	char *hex = malloc(2 * len + 1);
	json_t *j;

	if (hex == NULL)
		return NULL;
	sodium_bin2hex(hex, 2 * len + 1, b, len);
	j = json_string(hex);
	free(hex);
	return j;
}

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
static int same_file(struct media_medium *mm, const char *file, const uint8_t *data, size_t len)
{
	unsigned char *old = NULL;
	size_t olen = 0;
	int listed = 0, rc = media_read(mm, file, len, 0, &old, &olen, &listed);

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
	int rc;

	if (e->nartifacts == ENGINE_MAX_ARTIFACTS)
		return engine_fail(e, STEP_ERROR, "too many artifacts");
	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return engine_fail(e, STEP_ERROR, "medium path too long");
	if ((said = engine_say_leftovers(e, m)) != STEP_OK)
		return said;
	rc = media_open_dir(path, 1, &mm);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "medium %s: %s", m->id, media_strerror(rc));
	rc = media_write(mm, file, data, len);
	if (rc == MEDIA_E_EXISTS && again)
		rc = same_file(mm, file, data, len);
	if (rc != MEDIA_OK) {
		media_close(mm);
		return engine_fail(e, STEP_ERROR, "writing %s to medium %s: %s", file, m->id,
				   media_strerror(rc));
	}
	rc = media_close(mm);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "closing medium %s: %s", m->id,
				   media_strerror(rc));
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

void engine_show_fpr(struct engine *e, const char *label, const uint8_t fpr[32])
{
	char hex[FPR_HEX_32], words[FPR_WORDS_32];

	fpr_hex(fpr, 32, hex, sizeof(hex));
	fpr_words(fpr, 32, words, sizeof(words));
	prompt_say(e->p, PROMPT_HEADING, "%s", label);
	prompt_say(e->p, PROMPT_PLAIN, "  SHA-256 %s", hex);
	prompt_say(e->p, PROMPT_PLAIN, "  words   %s", words);
}

void engine_wipe_key(struct engine_key *k)
{
	if (k->pkey) {
		/* OpenSSL keeps the private numbers in its secure heap and clears them on free. */
		EVP_PKEY_free(k->pkey);
		k->pkey = NULL;
	}
	if (k->secret) {
		sodium_memzero(k->secret, k->secret_len);
		sodium_free(k->secret);
		k->secret = NULL;
		k->secret_len = 0;
	}
	if (k->shares) {
		slip39_mnemonics_free(k->shares);
		k->shares = NULL;
	}
}

void engine_wipe_keys(struct engine *e)
{
	for (unsigned i = 0; i < SCRIPT_MAX_KEYS; i++)
		engine_wipe_key(&e->keys[i]);
}

static bool holds(const struct engine_key *k)
{
	return k->pkey != NULL || k->secret != NULL || k->shares != NULL;
}

static enum step_rc record_wiped(struct engine *e, struct engine_key *k,
				 const struct transcript_actor *actor)
{
	if (k->wiped)
		return STEP_OK;
	k->wiped = true;
	return engine_record(e, actor, "key-wiped",
			     json_pack("{s:s}", "key", k->sk->id));
}

enum step_rc engine_release_unused(struct engine *e, unsigned step_index)
{
	const struct script_plan *plan = e->plan;

	for (unsigned i = 0; i < plan->key_count; i++) {
		struct engine_key *k = &e->keys[i];
		bool later = false;
		enum step_rc rc;

		if (!holds(k))
			continue;
		for (unsigned j = step_index + 1; j < plan->step_count && !later; j++)
			later = script_step_uses_key(&plan->steps[j], k->sk);
		if (later)
			continue;
		if (k->secret != NULL) {
			sodium_memzero(k->secret, k->secret_len);
			sodium_free(k->secret);
			k->secret = NULL;
			k->secret_len = 0;
		}
		/* A CA key with a certificate signs the transcript's head at the close. */
		if (k->pkey != NULL && engine_key_cert(e, k->sk) != NULL)
			continue;
		engine_wipe_key(k);
		prompt_say(e->p, PROMPT_PLAIN, "  '%s' is needed no more: wiped from memory",
			   k->sk->id);
		rc = record_wiped(e, k, &engine_system);
		if (rc != STEP_OK)
			return rc;
	}
	return STEP_OK;
}

enum step_rc engine_record_wiped(struct engine *e, const struct transcript_actor *actor)
{
	for (unsigned i = 0; i < e->plan->key_count; i++) {
		struct engine_key *k = &e->keys[i];
		enum step_rc rc;

		if (!holds(k))
			continue;
		engine_wipe_key(k);
		rc = record_wiped(e, k, actor);
		if (rc != STEP_OK)
			return rc;
	}
	return STEP_OK;
}

int engine_pki_alg(enum script_algorithm a, enum pki_alg *out)
{
	switch (a) {
	case SCRIPT_ALG_EC_P256:
		*out = PKI_ALG_EC_P256;
		return 0;
	case SCRIPT_ALG_EC_P384:
		*out = PKI_ALG_EC_P384;
		return 0;
	case SCRIPT_ALG_RSA_3072:
		*out = PKI_ALG_RSA_3072;
		return 0;
	case SCRIPT_ALG_RSA_4096:
		*out = PKI_ALG_RSA_4096;
		return 0;
	case SCRIPT_ALG_ED25519:
		*out = PKI_ALG_ED25519;
		return 0;
	default:
		return -1;
	}
}

const char *engine_lint_reason(const struct pki_lint *l, char *out, size_t outlen)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->findings[i].severity == PKI_SEV_ERROR) {
			snprintf(out, outlen, "%s%s%s", l->findings[i].rule->id,
				 l->findings[i].detail[0] ? ": " : "", l->findings[i].detail);
			return out;
		}
	snprintf(out, outlen, "%s", "no finding recorded");
	return out;
}

bool engine_uses_keyfile(const struct script_key *sk)
{
	enum pki_alg alg;

	return engine_pki_alg(sk->algorithm, &alg) == 0 && !pki_rawkey_supported(alg);
}

void engine_keyfile_name(struct engine_key *k)
{
	char hex[9];

	sodium_bin2hex(hex, sizeof(hex), k->fpr, 4);
	snprintf(k->keyfile_name, sizeof(k->keyfile_name), "%.*s-%s.key",
		 (int)(SCRIPT_FILE_MAX - 13), k->sk->id, hex);
}

/* The private key sealed in k's key file, opened with the rebuilt key-encryption key. */
static enum pki_err from_keyfile(const struct engine_key *k, const uint8_t *kek, size_t len,
				 EVP_PKEY **out)
{
	struct keyfile_meta meta;
	uint8_t *der = NULL;
	size_t dlen = 0;
	enum pki_err err;

	if (k->keyfile == NULL || len != KEYFILE_KEK_LEN ||
	    keyfile_open(k->keyfile, k->keyfile_len, kek, &meta, &der, &dlen) != KEYFILE_OK)
		return PKI_E_KEY_MISMATCH;
	err = strcmp(meta.key_name, k->sk->id) == 0 &&
			      sodium_memcmp(meta.spki_sha256, k->fpr, 32) == 0
		      ? pki_key_import_pkcs8(der, dlen, out)
		      : PKI_E_KEY_MISMATCH;
	sodium_memzero(der, dlen);
	sodium_free(der);
	return err;
}

enum step_rc engine_prove_secret(struct engine *e, struct engine_key *k, const uint8_t *secret,
				 size_t len, EVP_PKEY **pkey)
{
	uint8_t spki[PKI_SPKI_MAX], digest[32];
	size_t spki_len = 0;
	EVP_PKEY *rebuilt = NULL;
	enum pki_alg alg;
	enum pki_err err;

	*pkey = NULL;
	if (!k->has_fpr)
		return engine_fail(e, STEP_FAILED, "'%s' has no recorded public key to prove it with",
				   k->sk->id);
	if (k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC) {
		uint8_t cv[CHECKVALUE_LEN];

		if (checkvalue(secret, len, cv) != 0)
			return engine_fail(e, STEP_ERROR, "out of secure memory");
		if (sodium_memcmp(cv, k->fpr, CHECKVALUE_LEN) != 0)
			return engine_fail(e, STEP_FAILED,
					   "the rebuilt '%s' does not match its recorded check value",
					   k->sk->id);
		return STEP_OK;
	}
	if (engine_pki_alg(k->sk->algorithm, &alg) != 0)
		return engine_fail(e, STEP_ERROR, "'%s': no such algorithm", k->sk->id);
	if (engine_uses_keyfile(k->sk))
		err = from_keyfile(k, secret, len, &rebuilt);
	else
		err = pki_rawkey_import(alg, secret, len, &rebuilt);
	if (err == PKI_OK && k->spki_len == 0) {
		/* Only the SHA-256 of the public key is on record (the Contingency key's). */
		err = pki_key_spki(rebuilt, spki, sizeof(spki), &spki_len);
		crypto_hash_sha256(digest, spki, spki_len);
		if (err == PKI_OK && sodium_memcmp(digest, k->fpr, 32) != 0)
			err = PKI_E_KEY_MISMATCH;
		if (err == PKI_OK)
			err = pki_key_matches(rebuilt, spki, spki_len);
	} else if (err == PKI_OK) {
		err = pki_key_matches(rebuilt, k->spki, k->spki_len);
	}
	if (err != PKI_OK) {
		EVP_PKEY_free(rebuilt);
		return engine_fail(e, STEP_FAILED,
				   "the rebuilt '%s' does not match its recorded public key: %s",
				   k->sk->id, pki_strerror(err));
	}
	*pkey = rebuilt;
	return STEP_OK;
}

int engine_read_file(struct engine *e, const struct script_medium *m, const char *file,
		     size_t max, unsigned flags, unsigned char **out, size_t *len)
{
	struct media_medium *mm = NULL;
	char path[4096];
	int rc, listed = 0;

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

int engine_list_files(struct engine *e, const struct script_medium *m,
		      void (*fn)(void *ctx, const char *name), void *ctx)
{
	struct media_medium *mm = NULL;
	struct names l = { NULL, 0, 0 };
	char path[4096];
	int rc;

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

static void free_keys(struct engine *e)
{
	engine_wipe_keys(e);
	for (unsigned i = 0; i < SCRIPT_MAX_KEYS; i++) {
		pki_obj_free(&e->keys[i].cert);
		pki_obj_free(&e->keys[i].csr);
		free(e->keys[i].keyfile);
		e->keys[i].keyfile = NULL;
	}
	for (unsigned i = 0; i < SCRIPT_MAX_INPUTS; i++) {
		pki_obj_free(&e->inputs[i].obj);
		free(e->inputs[i].lineage);
		e->inputs[i].lineage = NULL;
	}
}

/* The transcript lives on the public medium under the name its output gives; the backup
 * medium's transcript output, if any, is the second copy. */
static int transcript_paths(struct engine *e, char *path, size_t plen, char *copy, size_t clen)
{
	const struct script_output *main = NULL, *backup = NULL;

	for (unsigned i = 0; i < e->plan->output_count; i++) {
		const struct script_output *out = &e->plan->outputs[i];

		if (out->type != SCRIPT_OUTPUT_TRANSCRIPT)
			continue;
		if (out->medium->kind == SCRIPT_MEDIUM_PUBLIC && main == NULL)
			main = out;
		else if (backup == NULL)
			backup = out;
	}
	if (main == NULL)
		return -1;
	if (snprintf(path, plen, "%s/%s/%s", e->o->media_dir, main->medium->id, main->file) >=
	    (int)plen)
		return -1;
	copy[0] = '\0';
	if (backup && snprintf(copy, clen, "%s/%s/%s", e->o->media_dir, backup->medium->id,
			       backup->file) >= (int)clen)
		return -1;
	return 0;
}

static int64_t clock_now(void *ctx)
{
	return engine_now(ctx);
}

static enum engine_result start(struct engine *e)
{
	struct transcript_start st;
	struct transcript_env env = { clock_now, NULL, e };
	struct preflight_report *img;
	char path[4096], copy[4096];
	enum transcript_err terr;
	json_t *extra;
	unsigned char pk[32];

	memset(&st, 0, sizeof(st));
	st.ceremony_id = e->plan->id;
	st.title = e->plan->title;
	memcpy(st.script_sha256, e->plan->sha256, 32);
	st.rehearsal = e->o->rehearsal;
	/* A key-use ceremony names the ceremony that made its keys by the final digest approved in
	 * the script: the first such input's, here; each one's again when it is read. */
	for (unsigned i = 0; i < e->plan->input_count && !st.has_predecessor; i++) {
		const struct script_input *in = &e->plan->inputs[i];

		if (in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST && in->has_digest) {
			st.has_predecessor = 1;
			memcpy(st.predecessor, in->digest, 32);
		}
	}

	img = calloc(1, sizeof(*img));
	if (img == NULL)
		return ENGINE_ERROR;
	preflight_init(img);
	preflight_image(img, e->o->image_hash ? e->o->image_hash : PREFLIGHT_IMAGE_HASH_FILE,
			NULL);
	e->image_known = img->image_known;
	memcpy(e->image_sha256, img->image_sha256, 32);
	free(img);
	memcpy(st.image_sha256, e->image_sha256, 32);
	extra = json_pack("{s:b,s:s}", "image_known", e->image_known, "program",
			  "ceremony " CEREMONY_VERSION);
	st.extra = extra;

	if (transcript_paths(e, path, sizeof(path), copy, sizeof(copy)) != 0) {
		json_decref(extra);
		prompt_say(e->p, PROMPT_BAD, "the script has no transcript on a public medium");
		return ENGINE_ERROR;
	}
	terr = transcript_create(&e->t, path, copy[0] ? copy : NULL, &st, "start", &engine_system,
				 e->o->fixed_time ? &env : NULL);
	json_decref(extra);
	if (terr != TRANSCRIPT_OK) {
		/* Nothing is recorded yet: an operational error of the command, not a step. */
		cli_error("cannot start the transcript %s: %s", path, transcript_strerror(terr));
		return ENGINE_ERROR;
	}
	transcript_public_key(e->t, pk);
	engine_show_fpr(e, "Transcript signing key (write it down):", pk);
	return ENGINE_DONE;
}

static void closing_statement(struct engine *e)
{
	char hex[FPR_HEX_32];

	prompt_say(e->p, PROMPT_HEADING, "What exists now:");
	prompt_say(e->p, PROMPT_PLAIN, "  the transcript, on the public medium (and its copy)");
	if (e->nartifacts == 0)
		prompt_say(e->p, PROMPT_PLAIN, "  no other file was written");
	for (size_t i = 0; i < e->nartifacts; i++) {
		fpr_hex(e->artifacts[i].sha256, 8, hex, sizeof(hex));
		prompt_say(e->p, PROMPT_PLAIN, "  %s/%s  (SHA-256 %s...)", e->artifacts[i].medium,
			   e->artifacts[i].file, hex);
	}
}

static enum engine_result abort_ceremony(struct engine *e, enum step_rc rc)
{
	unsigned char final[32];
	enum transcript_err terr;
	enum engine_result res = rc == STEP_NOGO	 ? ENGINE_NOGO
				 : rc == STEP_FAILED	 ? ENGINE_FAILED
				 : rc == STEP_INTERRUPTED ? ENGINE_ABORTED
							 : ENGINE_ERROR;

	/* Secrets first: nothing may outlive an abort, whatever happens to the transcript. */
	engine_wipe_keys(e);
	prompt_say(e->p, PROMPT_BAD, "%s: %s", res == ENGINE_NOGO ? "NO-GO" : "ABORT", e->reason);
	terr = transcript_abort(e->t, e->step ? e->step->id : "start", &engine_system, e->reason,
				final);
	if (terr != TRANSCRIPT_OK)
		prompt_say(e->p, PROMPT_BAD,
			   "the abort record could not be written: %s; the transcript ends at its "
			   "last whole record and verifies as incomplete",
			   transcript_detail(e->t));
	else
		engine_show_fpr(e, "Final digest of the aborted ceremony's transcript:", final);
	closing_statement(e);
	prompt_say(e->p, PROMPT_PLAIN, "Every secret held in memory has been wiped.");
	return res;
}

static enum engine_result run_steps(struct engine *e)
{
	enum phase phase = PHASE_NONE;
	const struct script_plan *plan = e->plan;

	/* Said before anything else happens, for every medium already here. */
	for (unsigned i = 0; i < plan->medium_count; i++) {
		enum step_rc rc = engine_say_leftovers(e, &plan->media[i]);

		if (rc != STEP_OK)
			return abort_ceremony(e, rc);
	}
	for (unsigned i = 0; i < plan->step_count; i++) {
		const struct script_step *s = &plan->steps[i];
		enum phase next = phase_of(s->action, phase);
		char summary[256];
		enum step_rc rc;

		if (next != phase && phase != PHASE_NONE) {
			enum transcript_err terr = transcript_checkpoint(
				e->t, s->id, &engine_system, phase_names[phase]);

			if (terr != TRANSCRIPT_OK) {
				engine_fail(e, STEP_ERROR, "checkpoint: %s",
					    transcript_strerror(terr));
				return abort_ceremony(e, STEP_ERROR);
			}
		}
		phase = next;
		e->step = s;
		if (prompt_interrupted())
			return abort_ceremony(
				e, engine_fail(e, STEP_INTERRUPTED, "interrupted before step %s",
					       s->id));
		if (handlers[s->action] == NULL)
			return abort_ceremony(e, engine_fail(e, STEP_ERROR,
							     "step %s: action %s is not supported "
							     "in this version",
							     s->id, script_action_name(s->action)));
		prompt_say(e->p, PROMPT_PLAIN, "%s", "");
		prompt_say(e->p, PROMPT_HEADING, "Step %u of %u: %s", s->number, plan->step_count,
			   s->title);
		if (script_step_summary(s, summary, sizeof(summary)) == 0)
			prompt_say(e->p, PROMPT_PLAIN, "  %s", summary);
		/* The inputs a step needs are read, checked and confirmed before it acts. */
		rc = engine_read_step_inputs(e, s);
		if (rc == STEP_OK)
			rc = handlers[s->action](e, s);
		if (rc == STEP_OK && s->action == SCRIPT_ACT_CLOSE)
			return ENGINE_DONE;
		if (e->closed) {
			/* The transcript says closed: what failed after it is said, not aborted. */
			prompt_say(e->p, PROMPT_BAD, "ERROR after the close: %s", e->reason);
			prompt_say(e->p, PROMPT_BAD,
				   "The transcript is closed and complete (final "
				   "digest above); check the medium and copy it "
				   "to a sound one.");
			return ENGINE_ERROR;
		}
		if (rc == STEP_OK)
			rc = engine_release_unused(e, i);
		if (rc != STEP_OK)
			return abort_ceremony(e, rc);
	}
	/* The script validator requires a closing step last; reaching here is a bug. */
	return abort_ceremony(e, engine_fail(e, STEP_ERROR, "the script ended without closing"));
}

enum engine_result engine_run(const struct engine_options *o)
{
	struct engine *e;
	struct script_error serr;
	struct answers_error aerr;
	enum engine_result res = ENGINE_ERROR;
	int rc;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return ENGINE_ERROR;
	e->o = o;
	rc = script_load(o->script, &e->plan, &serr);
	if (rc != SCRIPT_OK) {
		if (serr.line)
			cli_error("%s:%u: %s", o->script, serr.line, serr.message);
		else
			cli_error("%s: %s", o->script, serr.message);
		goto out;
	}
	for (unsigned i = 0; i < e->plan->key_count; i++)
		e->keys[i].sk = &e->plan->keys[i];
	if (o->answers) {
		rc = answers_load(o->answers, &e->answers, &aerr);
		if (rc != ANSWERS_OK) {
			if (aerr.line)
				cli_error("%s:%u: %s", o->answers, aerr.line, aerr.message);
			else
				cli_error("%s: %s", o->answers, aerr.message);
			goto out;
		}
		if (answers_ceremony(e->answers) &&
		    strcmp(answers_ceremony(e->answers), e->plan->id) != 0) {
			cli_error("%s: answers for ceremony '%s', not '%s'", o->answers,
				  answers_ceremony(e->answers), e->plan->id);
			goto out;
		}
		rc = prompt_open_answers(&e->p, e->answers, STDOUT_FILENO,
					 o->rehearsal ? PROMPT_REHEARSAL : 0);
	} else {
		rc = prompt_open_tty(&e->p, STDIN_FILENO, STDOUT_FILENO,
				     o->rehearsal ? PROMPT_REHEARSAL : 0);
	}
	if (rc != PROMPT_OK) {
		cli_error("cannot talk to people: %s", prompt_strerror(rc));
		goto out;
	}
	e->rng = entropy_new(NULL, NULL);
	if (e->rng == NULL)
		goto out;

	prompt_say(e->p, PROMPT_HEADING, "%s", e->plan->title);
	prompt_say(e->p, PROMPT_PLAIN, "Ceremony %s%s", e->plan->id,
		   o->rehearsal ? "  ** REHEARSAL: nothing made here is for production **" : "");
	{
		char hex[FPR_HEX_32];

		fpr_hex(e->plan->sha256, 32, hex, sizeof(hex));
		prompt_say(e->p, PROMPT_PLAIN, "Script %s", o->script);
		prompt_say(e->p, PROMPT_PLAIN, "Script SHA-256 %s", hex);
	}
	res = start(e);
	if (res != ENGINE_DONE)
		goto out;
	res = run_steps(e);
	if (res == ENGINE_DONE && e->answers) {
		size_t pos = 0;
		const char *unused = answers_next_unused(e->answers, &pos);

		/* An answers file that says more than was asked was not written for this
		 * script: say so, although the ceremony itself is complete. */
		if (unused)
			prompt_say(e->p, PROMPT_WARN, "note: the answers file has unused answers "
						      "(first: %s)",
				   unused);
	}
out:
	if (e->t)
		transcript_free(e->t);
	free_keys(e);
	entropy_free(e->rng);
	prompt_close(e->p);
	answers_free(e->answers);
	script_free(e->plan);
	sodium_memzero(e, sizeof(*e));
	free(e);
	return res;
}
