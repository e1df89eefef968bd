/* The engine's PKI glue (engine_pki.h): algorithms, lint reasons, certificate parameters from
 * the script, and a certificate once issued. */
#include <arpa/inet.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/pki/wrap.h"

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

/* not_before + years, by the calendar (25 years from 29 February lands on 1 March). */
int engine_validity(const struct script_validity *v, int64_t now, struct pki_validity *out)
{
	if (v->days)
		return pki_validity_days(now, v->days, out) == PKI_OK ? 0 : -1;
	if (v->years) {
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		tm.tm_year += (int)v->years;
		out->not_before = now;
		out->not_after = (int64_t)timegm(&tm);
		return pki_validity_check(out) == PKI_OK ? 0 : -1;
	}
	return -1;
}

/* "ip:ADDR/PREFIX" as the PKI library takes it, "IP:ADDR/MASK"; the other forms by their tag. */
static int nc_spec(const struct script_constraint *c, char *out, size_t outlen)
{
	static const char *const tags[] = {
		[SCRIPT_NC_DNS] = "DNS:", [SCRIPT_NC_EMAIL] = "email:", [SCRIPT_NC_URI] = "URI:"
	};
	unsigned char mask[16] = { 0 };
	char addr[64], text[INET6_ADDRSTRLEN];
	const char *slash;
	unsigned long bits;
	int v6, n;

	if (c->type != SCRIPT_NC_IP) {
		n = snprintf(out, outlen, "%s%s", tags[c->type], c->value);
		return n < 0 || (size_t)n >= outlen ? -1 : 0;
	}
	slash = strchr(c->value, '/');
	if (slash == NULL || (size_t)(slash - c->value) >= sizeof(addr))
		return -1;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - c->value), c->value);
	v6 = strchr(addr, ':') != NULL;
	bits = strtoul(slash + 1, NULL, 10); /* the script checked its form and range */
	if (bits > (v6 ? 128u : 32u))
		return -1;
	for (unsigned long i = 0; i < bits; i++)
		mask[i / 8] = (unsigned char)(mask[i / 8] | (0x80u >> (i % 8)));
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, mask, text, sizeof(text)) == NULL)
		return -1;
	n = snprintf(out, outlen, "IP:%s/%s", addr, text);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

enum step_rc engine_cert_params(struct engine *e, const struct script_key *sk,
				struct engine_cert_params *cp)
{
	struct pki_cert_params *p = &cp->p;
	size_t nc = 0;

	memset(cp, 0, sizeof(*cp));
	p->subject = sk->subject.count ? sk->subject.text : NULL;
	if (engine_validity(&sk->validity, engine_now(e), &p->validity) != 0)
		return engine_fail(e, STEP_FAILED, "key %s: no valid validity period", sk->id);
	p->policies = sk->policies;
	p->npolicies = sk->policy_count;
	p->path_len = sk->path_length >= 0 ? sk->path_length : PKI_PATHLEN_ABSENT;
	p->rehearsal = e->o->rehearsal;
	for (unsigned i = 0; i < sk->permitted_count + sk->excluded_count; i++) {
		bool permitted = i < sk->permitted_count;
		const struct script_constraint *c =
			permitted ? &sk->permitted[i] : &sk->excluded[i - sk->permitted_count];

		if (nc_spec(c, cp->nc[nc], sizeof(cp->nc[nc])) != 0)
			return engine_fail(e, STEP_FAILED, "key %s: name constraint %s", sk->id,
					   c->value);
		if (permitted)
			cp->permitted[p->npermitted++] = cp->nc[nc++];
		else
			cp->excluded[p->nexcluded++] = cp->nc[nc++];
	}
	p->permitted = cp->permitted;
	p->excluded = cp->excluded;
	return STEP_OK;
}

enum step_rc engine_write_pem(struct engine *e, const struct script_output *out,
			      const struct pki_obj *obj, uint8_t sha[32])
{
	char *pem = NULL;
	size_t len = 0;
	enum pki_err err = pki_obj_pem(obj, &pem, &len);
	enum step_rc rc;

	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "output %s: %s", out->id, pki_strerror(err));
	rc = engine_write(e, out->medium, out->file, (const uint8_t *)pem, len, sha);
	OPENSSL_free(pem);
	if (rc == STEP_OK)
		prompt_say(e->p, PROMPT_GOOD, "  wrote %s/%s", out->medium->id, out->file);
	return rc;
}

enum step_rc engine_issued(struct engine *e, const struct script_step *s, X509 *cert,
			   const char *issuer, const char *profile, json_t *extra)
{
	struct engine_key *k = engine_key(e, s->key);
	struct transcript_actor a = engine_step_actor(e, s);
	char label[160], subject[PKI_NAME_TEXT_MAX];
	uint8_t fpr[32], file_sha[32];
	const ASN1_INTEGER *sn;
	enum pki_err err;
	enum step_rc rc;
	json_t *data;

	err = pki_obj_from_cert(cert, &k->cert);
	if (err != PKI_OK) {
		json_decref(extra);
		return engine_fail(e, STEP_ERROR, "certificate of %s: %s", s->key->id,
				   pki_strerror(err));
	}
	pki_obj_fingerprint(&k->cert, fpr);
	snprintf(label, sizeof(label), "Certificate of '%s' issued by '%s':", s->key->id, issuer);
	engine_show_fpr(e, label, fpr);
	rc = engine_write_pem(e, s->output, &k->cert, file_sha);
	if (rc != STEP_OK) {
		json_decref(extra);
		return rc;
	}
	pki_name_text(X509_get_subject_name(k->cert.cert), subject, sizeof(subject));
	sn = X509_get0_serialNumber(k->cert.cert);
	data = extra ? extra : json_object();
	if (data == NULL ||
	    json_object_update_missing_new(
		    data, json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "key", s->key->id, "issuer",
				    issuer, "file", s->output->file, "sha256",
				    engine_json_hex(file_sha, 32), "cert_sha256",
				    engine_json_hex(fpr, 32), "profile", profile, "subject",
				    subject, "serial",
				    engine_json_hex(sn->data, (size_t)sn->length))) != 0) {
		json_decref(data);
		return engine_fail(e, STEP_ERROR, "out of memory");
	}
	return engine_record(e, &a, "certificate-issued", data);
}

static const char *lint_text(const struct pki_lint *lint, enum pki_err err, char *buf,
			     size_t len)
{
	if (err != PKI_E_LINT)
		return "";
	return engine_lint_reason(lint, buf, len);
}

enum step_rc engine_cert_failed(struct engine *e, const char *what, enum pki_err err,
				const struct pki_lint *lint)
{
	char why[PKI_LINT_DETAIL + 80];

	return engine_fail(e, err == PKI_E_NOMEM || err == PKI_E_CRYPTO ? STEP_ERROR
									  : STEP_FAILED,
			   "%s: %s %s", what, pki_strerror(err),
			   lint_text(lint, err, why, sizeof(why)));
}

void engine_contin_params(const struct engine_key *ck, const struct engine_key *sk,
			  struct pki_contin_params *c)
{
	memset(c, 0, sizeof(*c));
	c->spki = ck->spki;
	c->spki_len = ck->spki_len;
	c->symkey = sk->secret;
	c->symkey_len = sk->secret_len;
	c->alg = sk->secret_len == 32 ? PKI_WRAP_AES256_PAD : PKI_WRAP_AES128_PAD;
}
