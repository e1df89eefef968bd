/* Signing with a CA key held here: a subordinate's certificate from its CSR (the SMKI Issuing CA,
 * a generic subordinate CA), a CRL; and the import of a certificate issued elsewhere for a key
 * held here (the SMKI Recovery certificate), checked against the key and its chain. */
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_steps.h"
#include "ceremony/pki/crl.h"

/* A CA key's private key and certificate, both needed to sign. */
static enum step_rc signer(struct engine *e, const struct script_key *sk, EVP_PKEY **key,
			   X509 **cert)
{
	*key = engine_key(e, sk)->pkey;
	*cert = engine_key_cert(e, sk);
	if (*key == NULL)
		return engine_fail(e, STEP_FAILED, "'%s' is not held here", sk->id);
	if (*cert == NULL)
		return engine_fail(e, STEP_FAILED, "the certificate of '%s' is not here", sk->id);
	return STEP_OK;
}

/* The Root at the top of a key's chain, by its issuers; NULL when one is missing. */
static X509 *root_of(struct engine *e, const struct script_key *sk)
{
	for (unsigned depth = 0; sk != NULL && depth <= SCRIPT_MAX_KEYS; depth++) {
		if (sk->issuer == NULL || sk->issuer == sk)
			return engine_key_cert(e, sk);
		sk = sk->issuer;
	}
	return NULL;
}

enum step_rc engine_step_sign_csr(struct engine *e, const struct script_step *s)
{
	const struct script_key *sk = s->key;
	struct engine_input *csr = engine_input(e, sk->input);
	struct engine_cert_params cp;
	struct pki_lint lint;
	EVP_PKEY *ikey = NULL;
	X509 *icert = NULL, *cert = NULL, *root;
	const char *profile;
	enum pki_err err;
	enum step_rc rc;

	if (csr == NULL || csr->obj.type != PKI_OBJ_CSR)
		return engine_fail(e, STEP_FAILED, "the CSR of '%s' is not here", sk->id);
	if ((rc = signer(e, sk->issuer, &ikey, &icert)) != STEP_OK ||
	    (rc = engine_cert_params(e, sk, &cp)) != STEP_OK)
		return rc;
	if (e->plan->profile == SCRIPT_PROFILE_SMKI) {
		profile = "smki-issuing";
		err = pki_cert_smki_issuing(ikey, icert, csr->obj.csr, &cp.p, &cert, &lint);
	} else {
		profile = "generic-sub";
		err = pki_cert_generic_sub(ikey, icert, csr->obj.csr, &cp.p, &cert, &lint);
	}
	if (err != PKI_OK)
		return engine_cert_failed(e, "signing the CSR", err, &lint);
	/* The certificate must verify up to the Root, as a relying party would check it. */
	root = root_of(e, sk->issuer);
	err = root == NULL
		  ? PKI_E_CHAIN
		  : pki_chain_verify(cert, root == icert ? NULL : icert, root, engine_now(e));
	if (err != PKI_OK) {
		X509_free(cert);
		return engine_fail(e, STEP_FAILED,
				   "the new certificate of '%s' does not chain to "
				   "its Root: %s",
				   sk->id, pki_strerror(err));
	}
	return engine_issued(e, s, cert, sk->issuer->id, profile, NULL);
}

static enum step_rc write_crl(struct engine *e, const struct script_step *s, X509_CRL *crl,
			      const struct pki_crl_params *p)
{
	struct transcript_actor a = engine_step_actor(e, s);
	struct pki_obj obj = {0};
	uint8_t fpr[32], file_sha[32];
	char label[160];
	enum pki_err err = pki_obj_from_crl(crl, &obj);
	enum step_rc rc;

	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "CRL: %s", pki_strerror(err));
	pki_obj_fingerprint(&obj, fpr);
	snprintf(label, sizeof(label), "CRL signed by '%s':", s->key->id);
	engine_show_fpr(e, label, fpr);
	rc = engine_write_pem(e, s->output, &obj, file_sha);
	pki_obj_free(&obj);
	if (rc != STEP_OK)
		return rc;
	return engine_record(
	    e, &a, "crl-issued",
	    json_pack("{s:s,s:s,s:o,s:o,s:I,s:I,s:I}", "issuer", s->key->id, "file",
		      s->output->file, "sha256", engine_json_hex(file_sha, 32), "crl_sha256",
		      engine_json_hex(fpr, 32), "number", (json_int_t)p->number, "revoked",
		      (json_int_t)p->nrevoked, "next_update", (json_int_t)p->next_update));
}

enum step_rc engine_step_sign_crl(struct engine *e, const struct script_step *s)
{
	const struct script_output *out = s->output;
	struct pki_revoked revoked[SCRIPT_MAX_REVOKED];
	struct pki_crl_params p;
	struct pki_validity next;
	struct pki_lint lint;
	X509_CRL *crl = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int64_t now = engine_now(e);
	enum pki_err err;
	enum step_rc rc;

	if ((rc = signer(e, s->key, &key, &cert)) != STEP_OK)
		return rc;
	if (engine_validity(&out->next_update, now, &next) != 0)
		return engine_fail(e, STEP_FAILED, "output %s: next-update out of range", out->id);
	memset(&p, 0, sizeof(p));
	p.this_update = now;
	p.next_update = next.not_after;
	/* cRLNumber grows with time: the signing time in seconds is larger than any earlier
	 * CRL's, whichever ceremony made it (docs/ceremonies.md). */
	p.number = (uint64_t)now;
	for (unsigned i = 0; i < out->revoked_count; i++) {
		revoked[i].serial = out->revoked[i].serial;
		revoked[i].serial_len = out->revoked[i].serial_len;
		revoked[i].date = now;
		revoked[i].reason = (int)out->revoked[i].reason;
	}
	p.revoked = revoked;
	p.nrevoked = out->revoked_count;
	p.rehearsal = e->o->rehearsal;
	err = pki_crl_sign(key, cert,
			   e->plan->profile == SCRIPT_PROFILE_SMKI ? PKI_PROFILE_SMKI_CRL
								   : PKI_PROFILE_GENERIC_CRL,
			   &p, &crl, &lint);
	if (err != PKI_OK)
		return engine_cert_failed(e, "the CRL", err, &lint);
	return write_crl(e, s, crl, &p);
}

/* The Issuing CA that issued cert: an issuing key whose certificate is here and names it. */
static X509 *issuing_of(struct engine *e, X509 *cert, const struct script_key **which)
{
	for (unsigned i = 0; i < e->plan->key_count; i++) {
		const struct script_key *sk = &e->plan->keys[i];
		X509 *ca = sk->kind == SCRIPT_KEY_ISSUING ? engine_key_cert(e, sk) : NULL;

		if (ca != NULL && X509_check_issued(ca, cert) == X509_V_OK) {
			*which = sk;
			return ca;
		}
	}
	return NULL;
}

enum step_rc engine_step_import(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	struct engine_input *in = engine_input(e, s->input);
	struct transcript_actor a = engine_step_actor(e, s);
	const struct script_key *ik = NULL;
	X509 *cert, *issuing = NULL, *root = NULL;
	struct pki_lint lint;
	enum pki_err err;
	uint8_t fpr[32];

	if (in == NULL || in->obj.type != PKI_OBJ_CERT)
		return engine_fail(e, STEP_FAILED, "input %s is not here", s->input->id);
	if (k->pkey == NULL)
		return engine_fail(e, STEP_FAILED, "'%s' is not held here", s->key->id);
	cert = in->obj.cert;
	if (s->key->kind == SCRIPT_KEY_RECOVERY && e->plan->profile == SCRIPT_PROFILE_SMKI) {
		if (!s->key->has_entity_id)
			return engine_fail(e, STEP_FAILED, "'%s' has no entity-id to check",
					   s->key->id);
		issuing = issuing_of(e, cert, &ik);
		root = ik != NULL ? root_of(e, ik) : NULL;
		if (issuing == NULL || root == NULL)
			return engine_fail(e, STEP_FAILED,
					   "the certificate in %s was not issued by an Issuing CA "
					   "whose certificate and Root are here",
					   s->input->id);
		pki_lint_init(&lint);
		err = pki_smki_recovery_import(k->pkey, s->key->entity_id, cert, issuing, root,
					       engine_now(e), &lint);
	} else {
		uint8_t spki[PKI_SPKI_MAX];
		size_t len = 0;

		pki_lint_init(&lint);
		root = s->key->issuer ? root_of(e, s->key->issuer) : NULL;
		issuing = s->key->issuer ? engine_key_cert(e, s->key->issuer) : NULL;
		err = pki_cert_spki(cert, spki, sizeof(spki), &len);
		if (err == PKI_OK)
			err = pki_key_matches(k->pkey, spki, len);
		if (err == PKI_OK && root != NULL)
			err = pki_chain_verify(cert, issuing == root ? NULL : issuing, root,
					       engine_now(e));
	}
	if (err != PKI_OK)
		return engine_cert_failed(e, "the certificate does not fit", err, &lint);
	pki_obj_fingerprint(&in->obj, fpr);
	prompt_say(e->p, PROMPT_GOOD, "  the certificate is for '%s'%s", s->key->id,
		   root != NULL ? " and chains to its Root" : "");
	return engine_record(
	    e, &a, "note",
	    json_pack("{s:s,s:s,s:s,s:o,s:s,s:b}", "text",
		      "certificate imported: it matches the key", "key", s->key->id, "input",
		      s->input->id, "cert_sha256", engine_json_hex(fpr, 32), "issued_by",
		      ik != NULL ? ik->id : (s->key->issuer ? s->key->issuer->id : "-"),
		      "chain_verified", root != NULL));
}
