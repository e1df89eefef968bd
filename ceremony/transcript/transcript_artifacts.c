#include "ceremony/transcript/transcript_artifacts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/base/checkvalue.h"
#include "ceremony/transcript/transcript_verify.h"

struct ctx {
	int dirfd;
	const struct tartifact *arts;
	size_t n;
	const struct tkey *keys;
	size_t nkeys;
	struct transcript_failure *fail;
};

/* Reads DIR/name (a plain file, not through a link) into a malloc'ed buffer. Returns 0, -1 when
 * it is missing, -2 when it is not a plain file, too large, or unreadable. */
static int read_at(int dirfd, const char *name, unsigned char **out, size_t *len)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t have = 0;
	int fd, ret = -2;

	*out = NULL;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? -1 : -2;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    st.st_size > TRANSCRIPT_ARTIFACT_SIZE_MAX)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		goto out;
	while (have < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + have, (size_t)st.st_size - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		have += (size_t)r;
	}
	*out = buf;
	*len = have;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

/* One DER object, or one PEM block with the given label and only whitespace after it. */
static void *decode(const unsigned char *buf, size_t len, const char *pem_label,
		    const ASN1_ITEM *it)
{
	static const char begin[] = "-----BEGIN ";
	unsigned char *der = NULL;
	const unsigned char *p;
	char *name = NULL;
	long derlen = 0;
	void *obj = NULL;
	BIO *bio;

	if (len < sizeof(begin) - 1 || memcmp(buf, begin, sizeof(begin) - 1) != 0) {
		p = buf;
		obj = ASN1_item_d2i(NULL, &p, (long)len, it);
		if (obj != NULL && p != buf + len) {
			ASN1_item_free(obj, it);
			obj = NULL;
		}
		return obj;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (bio == NULL)
		return NULL;
	if (PEM_bytes_read_bio(&der, &derlen, &name, pem_label, bio, NULL, NULL) == 1) {
		char rest[64];
		int r, trailing = 0;

		while ((r = BIO_read(bio, rest, sizeof(rest))) > 0)
			for (int i = 0; i < r; i++)
				if (rest[i] != '\n' && rest[i] != '\r' && rest[i] != ' ' &&
				    rest[i] != '\t')
					trailing = 1;
		p = der;
		if (!trailing)
			obj = ASN1_item_d2i(NULL, &p, derlen, it);
		if (obj != NULL && p != der + derlen) {
			ASN1_item_free(obj, it);
			obj = NULL;
		}
	}
	OPENSSL_free(der);
	OPENSSL_free(name);
	BIO_free(bio);
	return obj;
}

static const struct tkey *key_named(const struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i].name, name) == 0)
			return &c->keys[i];
	return NULL;
}

/* Whether pk is the public key the transcript recorded for k. */
static int is_key(EVP_PKEY *pk, const struct tkey *k)
{
	unsigned char *der = NULL, digest[32];
	int n = pk ? i2d_PUBKEY(pk, &der) : -1, same;

	if (n <= 0)
		return 0;
	crypto_hash_sha256(digest, der, (unsigned long long)n);
	OPENSSL_free(der);
	same = k->has_fpr && sodium_memcmp(digest, k->fpr, 32) == 0;
	return same;
}

/* The public key of the key named name: from the SPKI the transcript published, or from a
 * certificate the ceremony issued for it (its SHA-256 checked against the transcript). */
static EVP_PKEY *public_key(const struct ctx *c, const char *name)
{
	const struct tkey *k = key_named(c, name);
	EVP_PKEY *pk = NULL;

	if (k == NULL || !k->has_fpr)
		return NULL;
	if (k->spki != NULL) {
		const unsigned char *p = k->spki;

		return d2i_PUBKEY(NULL, &p, (long)k->spki_len);
	}
	for (size_t i = 0; i < c->n && pk == NULL; i++) {
		const struct tartifact *a = &c->arts[i];
		unsigned char *buf = NULL, digest[32];
		size_t len = 0;
		X509 *x;

		if (a->event != TEV_CERTIFICATE_ISSUED || strcmp(a->key, name) != 0 ||
		    read_at(c->dirfd, a->file, &buf, &len) != 0)
			continue;
		crypto_hash_sha256(digest, buf, len);
		x = sodium_memcmp(digest, a->sha256, 32) == 0
			    ? decode(buf, len, PEM_STRING_X509, ASN1_ITEM_rptr(X509))
			    : NULL;
		if (x != NULL && is_key(X509_get0_pubkey(x), k)) {
			pk = X509_get0_pubkey(x);
			if (EVP_PKEY_up_ref(pk) != 1)
				pk = NULL;
		}
		X509_free(x);
		free(buf);
	}
	return pk;
}

static enum transcript_err check_cert(const struct ctx *c, const struct tartifact *a,
				      const unsigned char *buf, size_t len)
{
	X509 *x = decode(buf, len, PEM_STRING_X509, ASN1_ITEM_rptr(X509));
	long seq = (long)a->record;
	unsigned char *der = NULL, digest[32];
	EVP_PKEY *issuer = NULL;
	enum transcript_err e = TRANSCRIPT_OK;
	int n;

	if (x == NULL)
		return tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq, "'%s' is not a certificate",
				    a->file);
	n = i2d_X509(x, &der);
	if (n <= 0) {
		e = tformat_fail(c->fail, TRANSCRIPT_E_NOMEM, seq, "out of memory");
		goto out;
	}
	crypto_hash_sha256(digest, der, (unsigned long long)n);
	if (sodium_memcmp(digest, a->cert_sha256, 32) != 0) {
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "the certificate in '%s' does not match cert_sha256", a->file);
		goto out;
	}
	if (!is_key(X509_get0_pubkey(x), key_named(c, a->key))) {
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "the certificate in '%s' is not for key '%s'", a->file, a->key);
		goto out;
	}
	issuer = public_key(c, a->issuer);
	if (issuer == NULL) {
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "no public key of issuer '%s' to verify '%s' with", a->issuer,
				 a->file);
		goto out;
	}
	if (X509_verify(x, issuer) != 1)
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "the certificate in '%s' is not signed by key '%s'", a->file,
				 a->issuer);
out:
	EVP_PKEY_free(issuer);
	OPENSSL_free(der);
	X509_free(x);
	return e;
}

static enum transcript_err check_csr(const struct ctx *c, const struct tartifact *a,
				     const unsigned char *buf, size_t len)
{
	X509_REQ *req = decode(buf, len, PEM_STRING_X509_REQ, ASN1_ITEM_rptr(X509_REQ));
	long seq = (long)a->record;
	enum transcript_err e = TRANSCRIPT_OK;
	EVP_PKEY *pk;

	if (req == NULL)
		return tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq, "'%s' is not a CSR", a->file);
	pk = X509_REQ_get0_pubkey(req);
	if (!is_key(pk, key_named(c, a->key)))
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq, "the CSR in '%s' is not for key '%s'",
				 a->file, a->key);
	else if (X509_REQ_verify(req, pk) != 1)
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "the CSR in '%s' is not signed by its key", a->file);
	X509_REQ_free(req);
	return e;
}

static enum transcript_err check_crl(const struct ctx *c, const struct tartifact *a,
				     const unsigned char *buf, size_t len)
{
	X509_CRL *crl = decode(buf, len, PEM_STRING_X509_CRL, ASN1_ITEM_rptr(X509_CRL));
	long seq = (long)a->record;
	enum transcript_err e = TRANSCRIPT_OK;
	EVP_PKEY *issuer;

	if (crl == NULL)
		return tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq, "'%s' is not a CRL", a->file);
	issuer = public_key(c, a->issuer);
	if (issuer == NULL)
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "no public key of issuer '%s' to verify '%s' with", a->issuer,
				 a->file);
	else if (X509_CRL_verify(crl, issuer) != 1)
		e = tformat_fail(c->fail, TRANSCRIPT_E_CERT, seq,
				 "the CRL in '%s' is not signed by key '%s'", a->file, a->issuer);
	EVP_PKEY_free(issuer);
	X509_CRL_free(crl);
	return e;
}

/* A revealed symmetric key: its lower-case hex (16 or 32 octets) and one LF, nothing else, and
 * the key has the recorded check value. The key is public from then on, but is still wiped. */
static enum transcript_err check_revealed(const struct tartifact *a, const unsigned char *buf,
					  size_t len, struct transcript_failure *fail)
{
	unsigned char key[32], cv[CHECKVALUE_LEN];
	size_t n = len ? len - 1 : 0;
	enum transcript_err e = TRANSCRIPT_OK;

	if ((n != 32 && n != 64) || buf[n] != '\n' || !tformat_hex((const char *)buf, n, n / 2))
		return tformat_fail(fail, TRANSCRIPT_E_CERT, (long)a->record,
				    "'%s' is not a revealed key (hex and a newline)", a->file);
	tformat_unhex((const char *)buf, n, key);
	if (checkvalue(key, n / 2, cv) != 0)
		e = tformat_fail(fail, TRANSCRIPT_E_NOMEM, (long)a->record, "out of memory");
	else if (sodium_memcmp(cv, a->check_value, CHECKVALUE_LEN) != 0)
		e = tformat_fail(fail, TRANSCRIPT_E_CERT, (long)a->record,
				 "the key in '%s' does not have its recorded check value", a->file);
	sodium_memzero(key, sizeof(key));
	return e;
}

enum transcript_err tartifacts_check(const char *dir, const struct tartifact *arts, size_t n,
				     const struct tkey *keys, size_t nkeys,
				     struct transcript_failure *fail, size_t *files_ok,
				     size_t *objects_ok)
{
	struct ctx c = { -1, arts, n, keys, nkeys, fail };
	enum transcript_err e = TRANSCRIPT_OK;

	*files_ok = 0;
	*objects_ok = 0;
	c.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.dirfd < 0)
		return tformat_fail(fail, TRANSCRIPT_E_IO, -1, "cannot open the artifacts directory");
	for (size_t i = 0; i < n && e == TRANSCRIPT_OK; i++) {
		const struct tartifact *a = &arts[i];
		unsigned char *buf = NULL, digest[32];
		size_t len = 0;
		int r = read_at(c.dirfd, a->file, &buf, &len);

		if (r != 0) {
			e = tformat_fail(fail, TRANSCRIPT_E_ARTIFACT, (long)a->record,
					 r == -1 ? "file '%s' is missing"
						 : "file '%s' is not a readable plain file of at "
						   "most 1 MiB",
					 a->file);
			break;
		}
		crypto_hash_sha256(digest, buf, len);
		if (sodium_memcmp(digest, a->sha256, 32) != 0)
			e = tformat_fail(fail, TRANSCRIPT_E_ARTIFACT, (long)a->record,
					 "file '%s' does not match its recorded SHA-256", a->file);
		else
			(*files_ok)++;
		if (e == TRANSCRIPT_OK && a->event == TEV_CERTIFICATE_ISSUED)
			e = check_cert(&c, a, buf, len);
		else if (e == TRANSCRIPT_OK && a->event == TEV_CSR_EXPORTED)
			e = check_csr(&c, a, buf, len);
		else if (e == TRANSCRIPT_OK && a->event == TEV_CRL_ISSUED)
			e = check_crl(&c, a, buf, len);
		else if (e == TRANSCRIPT_OK && a->event == TEV_KEY_REVEALED)
			e = check_revealed(a, buf, len, fail);
		if (e == TRANSCRIPT_OK && a->event != TEV_MEDIA_WRITTEN)
			(*objects_ok)++;
		free(buf);
	}
	close(c.dirfd);
	return e;
}

/* --- the anchor -------------------------------------------------------------------------- */

/* Whether pk is the public key of a key that proved possession; its name in *who. */
static int proven(const struct ctx *c, EVP_PKEY *pk, const char **who)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if ((c->keys[i].flags & TK_PROVEN) && is_key(pk, &c->keys[i])) {
			*who = c->keys[i].name;
			return 1;
		}
	return 0;
}

/* Whether a key that proved possession signed the object (verify(obj, key) == 1). */
static int proven_signer(const struct ctx *c, int (*verify)(void *, EVP_PKEY *), void *obj,
			 const char **who)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		const struct tkey *k = &c->keys[i];
		const unsigned char *p = k->spki;
		EVP_PKEY *pk;
		int ok;

		if (!(k->flags & TK_PROVEN) || k->spki == NULL)
			continue;
		pk = d2i_PUBKEY(NULL, &p, (long)k->spki_len);
		ok = pk != NULL && verify(obj, pk) == 1;
		EVP_PKEY_free(pk);
		if (ok) {
			*who = k->name;
			return 1;
		}
	}
	return 0;
}

static int verify_cert(void *x, EVP_PKEY *pk)
{
	return X509_verify(x, pk);
}

static int verify_crl(void *x, EVP_PKEY *pk)
{
	return X509_CRL_verify(x, pk);
}

/* Whether a common name of name holds the word REHEARSAL. The appliance marks a rehearsal's
 * objects with a CN that starts with it (pki/name.h); the verifier takes the word anywhere, so
 * that nothing that calls itself a rehearsal passes for production output. */
static int marked(const X509_NAME *name)
{
	static const char word[] = "REHEARSAL";
	const size_t wl = sizeof(word) - 1;

	for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
		unsigned char *cn = NULL;
		int n = ASN1_STRING_to_UTF8(&cn, v), found = 0;

		for (size_t j = 0; n > 0 && j + wl <= (size_t)n && !found; j++)
			found = memcmp(cn + j, word, wl) == 0 && (j == 0 || cn[j - 1] == ' ') &&
				(j + wl == (size_t)n || cn[j + wl] == ' ');
		OPENSSL_free(cn);
		if (found)
			return 1;
	}
	return 0;
}

/* One signed object found in the artifacts directory, whatever the transcript says of it. */
struct found {
	const char *kind; /* "certificate", "CSR", "CRL" */
	int marked;	  /* its subject (a CRL: its issuer) is marked REHEARSAL */
	int anchored;	  /* held or signed by a key that proved possession */
	const char *who;
};

/* Reads the object in buf, if it is a certificate, a CSR or a CRL. Returns 0 when it is none
 * of them (a manifest, a transcript, a share: not this check's business). */
static int found_object(const struct ctx *c, const unsigned char *buf, size_t len,
			struct found *f)
{
	X509 *x = decode(buf, len, PEM_STRING_X509, ASN1_ITEM_rptr(X509));
	X509_REQ *req = x ? NULL : decode(buf, len, PEM_STRING_X509_REQ, ASN1_ITEM_rptr(X509_REQ));
	X509_CRL *crl =
		x || req ? NULL : decode(buf, len, PEM_STRING_X509_CRL, ASN1_ITEM_rptr(X509_CRL));

	memset(f, 0, sizeof(*f));
	if (x != NULL) {
		f->kind = "certificate";
		f->marked = marked(X509_get_subject_name(x));
		f->anchored = proven(c, X509_get0_pubkey(x), &f->who) ||
			      proven_signer(c, verify_cert, x, &f->who);
	} else if (req != NULL) {
		f->kind = "CSR";
		f->marked = marked(X509_REQ_get_subject_name(req));
		f->anchored = proven(c, X509_REQ_get0_pubkey(req), &f->who);
	} else if (crl != NULL) {
		f->kind = "CRL";
		f->marked = marked(X509_CRL_get_issuer(crl));
		f->anchored = proven_signer(c, verify_crl, crl, &f->who);
	}
	X509_free(x);
	X509_REQ_free(req);
	X509_CRL_free(crl);
	return f->kind != NULL;
}

/* Every certificate, CSR and CRL in the directory, named by the transcript or not: a forger who
 * drops a record does not drop the file from the medium. */
static enum transcript_err anchor_dir(const struct ctx *c, int rehearsal)
{
	int fd = dup(c->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	enum transcript_err e = TRANSCRIPT_OK;
	struct transcript_failure loose = { TRANSCRIPT_OK, 0, 0, "" };
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return tformat_fail(c->fail, TRANSCRIPT_E_IO, -1,
				    "cannot list the artifacts directory");
	}
	while (e == TRANSCRIPT_OK && (de = readdir(d)) != NULL) {
		unsigned char *buf = NULL;
		size_t len = 0;
		struct found f;

		/* Dot files are never outputs (temporary names are .*.tmp, docs/media.md). */
		if (de->d_name[0] == '.' || read_at(c->dirfd, de->d_name, &buf, &len) != 0)
			continue;
		if (found_object(c, buf, len, &f) && f.marked != rehearsal)
			e = tformat_fail(c->fail, TRANSCRIPT_E_MODE, -1,
					 "'%.100s' is a %s %s under a %s transcript", de->d_name,
					 f.marked ? "REHEARSAL" : "production", f.kind,
					 rehearsal ? "rehearsal" : "production");
		else if (f.kind != NULL && !f.anchored && loose.err == TRANSCRIPT_OK)
			/* Said once every file's marking is known: a mixed mode says more. */
			tformat_fail(&loose, TRANSCRIPT_E_ANCHOR, -1,
				     "the %s '%.100s' is not anchored: no key that holds or signed it "
				     "proved possession in this transcript",
				     f.kind, de->d_name);
		free(buf);
	}
	closedir(d);
	if (e == TRANSCRIPT_OK && loose.err != TRANSCRIPT_OK) {
		*c->fail = loose;
		e = loose.err;
	}
	return e;
}

/* The keys the transcript says it held: each one that published its public key at a close, and
 * each one whose certificate or CSR is an artifact, must have proved possession. */
static enum transcript_err anchor_keys(const struct ctx *c, int closed)
{
	for (size_t i = 0; closed && i < c->nkeys; i++) {
		const struct tkey *k = &c->keys[i];

		if ((k->flags & TK_PUBLISHED) && !(k->flags & TK_PROVEN))
			return tformat_fail(c->fail, TRANSCRIPT_E_ANCHOR, -1,
					    "key '%s' was held and its public key published, but it "
					    "has no proof of possession",
					    k->name);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct tartifact *a = &c->arts[i];
		const struct tkey *k = key_named(c, a->key);

		if ((a->event == TEV_CERTIFICATE_ISSUED || a->event == TEV_CSR_EXPORTED) &&
		    k != NULL && (k->flags & TK_HELD) && !(k->flags & TK_PROVEN))
			return tformat_fail(c->fail, TRANSCRIPT_E_ANCHOR, (long)a->record,
					    "key '%s', whose %s is '%s', has no proof of possession",
					    k->name,
					    a->event == TEV_CSR_EXPORTED ? "CSR" : "certificate",
					    a->file);
	}
	return TRANSCRIPT_OK;
}

enum transcript_err tartifacts_anchor(const char *dir, const struct tartifact *arts, size_t n,
				      const struct tkey *keys, size_t nkeys, int rehearsal,
				      int closed, struct transcript_failure *fail)
{
	struct ctx c = { -1, arts, n, keys, nkeys, fail };
	enum transcript_err e;

	c.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.dirfd < 0)
		return tformat_fail(fail, TRANSCRIPT_E_IO, -1, "cannot open the artifacts directory");
	e = anchor_dir(&c, rehearsal);
	if (e == TRANSCRIPT_OK)
		e = anchor_keys(&c, closed);
	close(c.dirfd);
	return e;
}
