#include "ceremony/transcript/transcript_format.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field name parts that say "this is a secret": the writer refuses them so that an engine
 * mistake cannot put a share or a passphrase into a public record, and the verifier refuses
 * them so that such a transcript is flagged. */
#define W(s) { s, sizeof(s) - 1 }
static const struct {
	const char *w;
	size_t n;
} secret_words[] = {
	W("secret"),   W("secrets"),  W("passphrase"), W("passphrases"), W("password"),
	W("passwords"), W("passwd"),   W("pin"),	W("pins"),	  W("mnemonic"),
	W("mnemonics"), W("words"),    W("private"),	W("privkey"),	  W("sk"),
	W("seed"),	W("seeds"),    W("master"),	W("entropy"),	  W("dice"),
	W("plaintext"), W("share"),    W("shamir"),	W("polynomial"),  W("coefficients"),
};
#undef W

static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	/* The input is valid UTF-8 (jansson checks it on load and on json_string). */
	unsigned char c = s[*i];
	uint32_t cp;
	size_t n;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xF0) {
		cp = c & 0x07u;
		n = 3;
	} else if (c >= 0xE0) {
		cp = c & 0x0Fu;
		n = 2;
	} else {
		cp = c & 0x1Fu;
		n = 1;
	}
	(*i)++;
	for (; n > 0 && *i < len; n--, (*i)++)
		cp = (cp << 6) | (s[*i] & 0x3Fu);
	return cp;
}

int tformat_printable(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = utf8_next(u, len, &i);

		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return 0;
		/* Bidi controls and line separators can make a rendered line say something else. */
		if (cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
			return 0;
	}
	return 1;
}

static int token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

int tformat_token(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !token_char(s[0]) || s[0] == '.' || s[0] == '_' || s[0] == '-')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!token_char(s[i]))
			return 0;
	return 1;
}

enum transcript_err tformat_field_name(const char *s)
{
	size_t n = strlen(s), start = 0;

	if (n == 0 || n > TRANSCRIPT_FIELD_MAX || s[0] < 'a' || s[0] > 'z')
		return TRANSCRIPT_E_SCHEMA;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return TRANSCRIPT_E_SCHEMA;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '_')
			continue;
		for (size_t w = 0; w < sizeof(secret_words) / sizeof(secret_words[0]); w++)
			if (secret_words[w].n == i - start &&
			    memcmp(secret_words[w].w, s + start, i - start) == 0)
				return TRANSCRIPT_E_SECRET;
		start = i + 1;
	}
	return TRANSCRIPT_OK;
}

int tformat_hex(const char *s, size_t len, size_t nbytes)
{
	if (nbytes ? len != 2 * nbytes : (len == 0 || len % 2 != 0 || len > TRANSCRIPT_STRING_MAX))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void tformat_unhex(const char *s, size_t len, unsigned char *out)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned hi = (unsigned)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
		unsigned lo = (unsigned)(s[i + 1] <= '9' ? s[i + 1] - '0' : s[i + 1] - 'a' + 10);

		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
}

void tformat_tohex(const unsigned char *in, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, in, len);
}

int tformat_time(int64_t t, char out[TRANSCRIPT_TIME_LEN + 1])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t < 0 || t > 253402300799LL || gmtime_r(&tt, &tm) == NULL)
		return -1;
	if (strftime(out, TRANSCRIPT_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != TRANSCRIPT_TIME_LEN)
		return -1;
	return 0;
}

static int digits(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int tformat_time_check(const char *s, size_t len)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se;

	if (len != TRANSCRIPT_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    se > 59)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	return 0;
}

char *tformat_dump(const json_t *record, size_t *len)
{
	size_t need = json_dumpb(record, NULL, 0, JSON_COMPACT);
	char *buf;

	if (need == 0)
		return NULL;
	buf = malloc(need + 1);
	if (buf == NULL)
		return NULL;
	if (json_dumpb(record, buf, need, JSON_COMPACT) != need) {
		free(buf);
		return NULL;
	}
	buf[need] = '\0';
	*len = need;
	return buf;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *tformat_sorted(const json_t *v)
{
	json_t *out = NULL;

	if (json_is_object(v)) {
		size_t n = json_object_size(v), i = 0;
		const char **keys = calloc(n ? n : 1, sizeof(*keys));
		const char *k;
		json_t *item;

		if (keys == NULL)
			return NULL;
		json_object_foreach ((json_t *)(uintptr_t)v, k, item)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), key_cmp);
		out = json_object();
		for (i = 0; out != NULL && i < n; i++) {
			json_t *c = tformat_sorted(json_object_get(v, keys[i]));

			if (c == NULL || json_object_set_new(out, keys[i], c) != 0) {
				json_decref(out);
				out = NULL;
			}
		}
		free(keys);
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		for (size_t i = 0; out != NULL && i < json_array_size(v); i++) {
			json_t *c = tformat_sorted(json_array_get(v, i));

			if (c == NULL || json_array_append_new(out, c) != 0) {
				json_decref(out);
				out = NULL;
			}
		}
		return out;
	}
	return json_deep_copy(v);
}

int tformat_has_fraction(const json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;

	if (json_is_real(v))
		return 1;
	if (json_is_object(v))
		json_object_foreach (tformat_mut(v), k, item)
			if (tformat_has_fraction(item))
				return 1;
	if (json_is_array(v))
		json_array_foreach (v, i, item)
			if (tformat_has_fraction(item))
				return 1;
	return 0;
}

int tformat_unsigned_digest(const json_t *record, unsigned char digest[32])
{
	json_t *copy = json_deep_copy(record), *data;
	char *line = NULL;
	size_t len = 0;
	int ret = -1;

	if (copy == NULL)
		return -1;
	data = json_object_get(copy, "data");
	if (!json_is_object(data) || json_object_set_new(data, "sig", json_string("")) != 0)
		goto out;
	line = tformat_dump(copy, &len);
	if (line == NULL)
		goto out;
	crypto_hash_sha256(digest, (const unsigned char *)line, len);
	ret = 0;
out:
	free(line);
	json_decref(copy);
	return ret;
}

size_t tformat_sig_message(const char *event, const unsigned char digest[32],
			   unsigned char out[TRANSCRIPT_SIG_MSG_MAX])
{
	size_t dl = sizeof(TRANSCRIPT_SIG_DOMAIN), el = strnlen(event, 32), n = 0;

	memcpy(out, TRANSCRIPT_SIG_DOMAIN, dl); /* with its NUL */
	n += dl;
	memcpy(out + n, event, el);
	n += el;
	out[n++] = 0;
	memcpy(out + n, digest, 32);
	return n + 32;
}

const char *tformat_key_alg(EVP_PKEY *key, const EVP_MD **md)
{
	char group[32];
	size_t glen = 0;

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
		*md = NULL;
		return "ed25519";
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(key) < 2048)
			return NULL;
		*md = EVP_sha256();
		return "rsa-pkcs1-sha256";
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), &glen) != 1)
			return NULL;
		if (strcmp(group, "prime256v1") == 0) {
			*md = EVP_sha256();
			return "ecdsa-p256-sha256";
		}
		if (strcmp(group, "secp384r1") == 0) {
			*md = EVP_sha384();
			return "ecdsa-p384-sha384";
		}
		return NULL;
	default:
		return NULL;
	}
}

#define HASHED(n) { n, TF_HEX32, 0 }
static const struct tformat_event events[TEV_COUNT] = {
	{ "ceremony-start",
	  TEV_START,
	  TEV_RESERVED,
	  { { "version", TF_VERSION, 0 },
	    { "ceremony", TF_TOKEN, 0 },
	    { "title", TF_STR, 0 },
	    HASHED("script_sha256"),
	    HASHED("image_sha256"),
	    { "rehearsal", TF_BOOL, 0 },
	    HASHED("transcript_key"),
	    { "predecessor", TF_HEX32, 1 } } },
	{ "go-no-go", TEV_GO_NO_GO, 0, { { "decision", TF_DECISION, 0 } } },
	{ "attendance",
	  TEV_ATTENDANCE,
	  0,
	  { { "name", TF_STR, 0 },
	    { "role", TF_ROLE, 0 },
	    { "present", TF_BOOL, 1 },
	    { "identity", TF_STR, 1 } } },
	{ "acknowledgement", TEV_ACKNOWLEDGEMENT, 0, { { "subject", TF_STR, 0 } } },
	{ "entropy-commitment", TEV_ENTROPY_COMMITMENT, 0, { HASHED("commitment") } },
	{ "key-generated",
	  TEV_KEY_GENERATED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "algorithm", TF_TOKEN, 0 },
	    { "spki_sha256", TF_HEX32, 1 },
	    { "spki", TF_HEX, 1 },
	    { "check_value", TF_HEX32, 1 } } },
	{ "key-reconstructed",
	  TEV_KEY_RECONSTRUCTED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "spki_sha256", TF_HEX32, 1 },
	    { "spki", TF_HEX, 1 },
	    { "check_value", TF_HEX32, 1 },
	    { "shares", TF_INT, 1 } } },
	{ "key-wiped", TEV_KEY_WIPED, 0, { { "key", TF_TOKEN, 0 } } },
	{ "certificate-issued",
	  TEV_CERTIFICATE_ISSUED,
	  TEV_ARTIFACT,
	  { { "key", TF_TOKEN, 0 },
	    { "issuer", TF_TOKEN, 0 },
	    { "file", TF_FILE, 0 },
	    HASHED("sha256"),
	    HASHED("cert_sha256") } },
	{ "csr-exported",
	  TEV_CSR_EXPORTED,
	  TEV_ARTIFACT,
	  { { "key", TF_TOKEN, 0 }, { "file", TF_FILE, 0 }, HASHED("sha256") } },
	{ "crl-issued",
	  TEV_CRL_ISSUED,
	  TEV_ARTIFACT,
	  { { "issuer", TF_TOKEN, 0 }, { "file", TF_FILE, 0 }, HASHED("sha256") } },
	{ "share-written",
	  TEV_SHARE_WRITTEN,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "group", TF_INT, 0 },
	    { "member", TF_INT, 0 },
	    { "medium", TF_STR, 0 },
	    { "file", TF_FILE, 0 },
	    HASHED("sha256") } },
	{ "share-verified",
	  TEV_SHARE_VERIFIED,
	  0,
	  { { "key", TF_TOKEN, 0 }, { "group", TF_INT, 0 }, { "member", TF_INT, 0 } } },
	{ "share-accepted",
	  TEV_SHARE_ACCEPTED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "group", TF_INT, 0 },
	    { "member", TF_INT, 0 },
	    { "bag", TF_STR, 0 } } },
	{ "reconstruction-tested",
	  TEV_RECONSTRUCTION_TESTED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "shares", TF_INT, 0 },
	    { "spki_sha256", TF_HEX32, 1 },
	    { "check_value", TF_HEX32, 1 } } },
	{ "media-written",
	  TEV_MEDIA_WRITTEN,
	  TEV_ARTIFACT,
	  { { "medium", TF_STR, 0 }, { "file", TF_FILE, 0 }, HASHED("sha256") } },
	{ "input-imported",
	  TEV_INPUT_IMPORTED,
	  0,
	  { { "kind", TF_TOKEN, 0 },
	    HASHED("sha256"),
	    { "file", TF_FILE, 1 },
	    { "key", TF_TOKEN, 1 },
	    { "spki_sha256", TF_HEX32, 1 },
	    { "spki", TF_HEX, 1 } } },
	{ "share-collected",
	  TEV_SHARE_COLLECTED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "group", TF_INT, 0 },
	    { "member", TF_INT, 0 },
	    { "identifier", TF_INT, 0 },
	    { "source", TF_TOKEN, 0 } } },
	{ "shares-superseded",
	  TEV_SHARES_SUPERSEDED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "identifier", TF_INT, 0 },
	    { "replaced_by", TF_INT, 1 },
	    { "ceremony", TF_TOKEN, 1 } } },
	{ "key-revealed",
	  TEV_KEY_REVEALED,
	  TEV_ARTIFACT,
	  { { "key", TF_TOKEN, 0 },
	    { "file", TF_FILE, 1 },
	    { "sha256", TF_HEX32, 1 },
	    { "check_value", TF_HEX32, 1 },
	    { "spki_sha256", TF_HEX32, 1 },
	    { "spki", TF_HEX, 1 } } },
	{ "contingency-tested",
	  TEV_CONTINGENCY_TESTED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "wrapped_by", TF_TOKEN, 0 },
	    HASHED("cert_sha256"),
	    { "wrap_algorithm", TF_TOKEN, 0 } } },
	{ "exception",
	  TEV_EXCEPTION,
	  0,
	  { { "description", TF_STR, 0 }, { "approved_by", TF_STR, 0 } } },
	{ "note", TEV_NOTE, 0, { { "text", TF_STR, 0 } } },
	{ "checkpoint",
	  TEV_CHECKPOINT,
	  TEV_RESERVED | TEV_SIGNED,
	  { { "sig", TF_SIG, 0 }, { "phase", TF_STR, 1 } } },
	{ "proof-of-possession",
	  TEV_POSSESSION,
	  TEV_RESERVED,
	  { { "key", TF_TOKEN, 0 },
	    { "algorithm", TF_ALG, 0 },
	    { "spki", TF_HEX, 0 },
	    HASHED("spki_sha256"),
	    { "sig", TF_HEX, 0 } } },
	{ "abort",
	  TEV_ABORT,
	  TEV_RESERVED | TEV_SIGNED | TEV_TERMINAL,
	  { { "reason", TF_STR, 0 }, HASHED("final"), { "sig", TF_SIG, 0 } } },
	{ "close",
	  TEV_CLOSE,
	  TEV_RESERVED | TEV_SIGNED | TEV_TERMINAL,
	  { HASHED("final"), { "sig", TF_SIG, 0 } } },
	{ "decision-recorded",
	  TEV_DECISION_RECORDED,
	  0,
	  { { "input", TF_TOKEN, 0 }, { "reference", TF_STR, 0 }, HASHED("sha256") } },
	{ "payload-signed",
	  TEV_PAYLOAD_SIGNED,
	  TEV_ARTIFACT,
	  { { "key", TF_TOKEN, 0 },
	    { "payload", TF_FILE, 0 },
	    HASHED("payload_sha256"),
	    { "signature_rs", TF_HEX, 0 },
	    { "file", TF_FILE, 0 },
	    HASHED("sha256") } },
	{ "key-retired",
	  TEV_KEY_RETIRED,
	  0,
	  { { "key", TF_TOKEN, 0 },
	    { "ceremony", TF_TOKEN, 0 },
	    { "spki_sha256", TF_HEX32, 1 },
	    { "check_value", TF_HEX32, 1 } } },
};

const struct tformat_event *tformat_event(const char *name)
{
	for (size_t i = 0; i < TEV_COUNT; i++)
		if (strcmp(events[i].name, name) == 0)
			return &events[i];
	return NULL;
}

const struct tformat_event *tformat_event_at(size_t i)
{
	return i < TEV_COUNT ? &events[i] : NULL;
}

int tformat_role(const char *s)
{
	static const char *const roles[] = { "administrator", "witness", "custodian", "auditor",
					     "system" };

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, roles[i]) == 0)
			return 1;
	return 0;
}

enum transcript_err tformat_fail(struct transcript_failure *f, enum transcript_err err, long seq,
				 const char *fmt, ...)
{
	va_list ap;

	f->err = err;
	f->at_record = seq >= 0;
	f->record = seq >= 0 ? (size_t)seq : 0;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	return err;
}
