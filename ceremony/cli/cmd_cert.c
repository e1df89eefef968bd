/*
 * ceremony cert: offline inspection and linting of certificates, CSRs and CRLs. No secrets
 * pass through here: keys and the contingency operations belong to the ceremony engine.
 *
 *   ceremony cert inspect [--issuer CERT] FILE
 *   ceremony cert lint --profile NAME [--issuer CERT] [--signer-key PUBKEY] [--production] FILE
 *   ceremony cert profiles
 *
 * FILE is PEM or DER, "-" for standard input. docs/profiles.md describes the output.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509v3.h>
#include <sodium.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "ceremony/base/fpr.h"
#include "ceremony/pki/key.h"
#include "ceremony/pki/lint.h"
#include "ceremony/pki/name.h"
#include "ceremony/pki/parse.h"
#include "ceremony/pki/wrap.h"

#define REVOKED_SHOWN 20

static void usage(FILE *f)
{
	fputs("usage: ceremony cert inspect [--issuer CERT] FILE\n"
	      "       ceremony cert lint --profile NAME [--issuer CERT] [--signer-key PUBKEY]\n"
	      "                          [--production] FILE\n"
	      "       ceremony cert profiles\n"
	      "\nFILE is a PEM or DER certificate, CSR or CRL; '-' reads standard input.\n"
	      "lint exits 0 when FILE satisfies the profile, 1 listing each broken rule.\n",
	      f);
}

/* Reads up to PKI_INPUT_MAX bytes of a file ("-": standard input) into a malloc'ed buffer:
 * CLI_OK, CLI_FAIL (too large) or CLI_USAGE (cannot read). */
static int read_input(const char *path, unsigned char **buf, size_t *len)
{
	int fd = 0, rc;

	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			cli_error("cannot open %.200s", path);
			return CLI_USAGE;
		}
	}
	rc = cli_read_all(fd, PKI_INPUT_MAX, 0, buf, len);
	if (fd != 0)
		close(fd);
	if (rc == -2) {
		cli_error("%.200s: larger than %d bytes", path, PKI_INPUT_MAX);
		return CLI_FAIL;
	}
	if (rc != 0) {
		cli_error("cannot read %.200s", path);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* Reads and parses a certificate, CSR or CRL into *obj. */
static int load(const char *path, struct pki_obj *obj)
{
	unsigned char *buf;
	size_t len;
	enum pki_err err;
	int rc = read_input(path, &buf, &len);

	memset(obj, 0, sizeof(*obj));
	if (rc != CLI_OK)
		return rc;
	err = pki_parse(buf, len, obj);
	free(buf);
	if (err != PKI_OK) {
		cli_error("%.200s: not a certificate, CSR or CRL: %s", path, pki_strerror(err));
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int load_issuer(const char *path, struct pki_obj *obj)
{
	int rc = load(path, obj);

	if (rc == CLI_OK && obj->type != PKI_OBJ_CERT) {
		cli_error("%.200s: the issuer must be a certificate", path);
		pki_obj_free(obj);
		return CLI_USAGE;
	}
	return rc;
}

static int load_pubkey(const char *path, EVP_PKEY **key)
{
	unsigned char *buf;
	size_t len;
	enum pki_err err;
	int rc = read_input(path, &buf, &len);

	if (rc != CLI_OK)
		return CLI_USAGE;
	err = pki_parse_pubkey(buf, len, key);
	free(buf);
	if (err != PKI_OK) {
		cli_error("%.200s: not a supported public key: %s", path, pki_strerror(err));
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* --- output ----------------------------------------------------------------------------- */

static void field(const char *label, const char *value)
{
	printf("%-16s %s\n", label, value);
}

static void show_name(const char *label, const X509_NAME *name)
{
	char text[PKI_NAME_TEXT_MAX];

	pki_name_text(name, text, sizeof(text));
	field(label, text[0] != '\0' ? text : "(empty)");
}

static void show_time(const char *label, const ASN1_TIME *t)
{
	struct tm tm;
	char text[40];

	if (t == NULL) {
		field(label, "(absent)");
		return;
	}
	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(text, sizeof(text), "(invalid)");
	field(label, text);
}

static void show_integer(const char *label, const ASN1_INTEGER *v)
{
	char hex[2 * 32 + 2];
	int len = ASN1_STRING_length(v);

	if (len <= 0 || len > 32) {
		field(label, "(unusual length)");
		return;
	}
	sodium_bin2hex(hex, sizeof(hex), ASN1_STRING_get0_data(v), (size_t)len);
	for (char *c = hex; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	if (ASN1_STRING_type(v) == V_ASN1_NEG_INTEGER)
		printf("%-16s -%s\n", label, hex);
	else
		field(label, hex);
}

static void show_fingerprint(const char *label, const uint8_t fpr[PKI_SHA256_LEN])
{
	char hex[FPR_HEX_32], words[FPR_WORDS_32];

	if (fpr_hex(fpr, PKI_SHA256_LEN, hex, sizeof(hex)) != 0 ||
	    fpr_words(fpr, PKI_SHA256_LEN, words, sizeof(words)) != 0)
		return;
	field(label, hex);
	field("", words);
}

static void show_key(X509_PUBKEY *pk)
{
	EVP_PKEY *key = X509_PUBKEY_get0(pk);
	uint8_t fpr[PKI_SHA256_LEN];
	enum pki_alg alg;
	char text[64];

	if (key != NULL && pki_key_alg(key, &alg) == PKI_OK)
		snprintf(text, sizeof(text), "%s", pki_alg_name(alg));
	else if (key != NULL && OBJ_nid2sn(EVP_PKEY_get_base_id(key)) != NULL)
		snprintf(text, sizeof(text), "%.20s, %d bits (unsupported)",
			 OBJ_nid2sn(EVP_PKEY_get_base_id(key)), EVP_PKEY_get_bits(key));
	else
		snprintf(text, sizeof(text), "(undecodable or unsupported)");
	field("public key", text);
	if (key != NULL && pki_key_fingerprint(key, fpr) == PKI_OK)
		show_fingerprint("key SHA-256", fpr);
}

static void show_sig_alg(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj;
	char text[80];

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (OBJ_obj2txt(text, sizeof(text), obj, 0) <= 0)
		snprintf(text, sizeof(text), "(unreadable)");
	field("signature", text);
}

/* OpenSSL's rendering of one extension, each line indented, non-printable bytes as '?'. */
static void show_extension(X509_EXTENSION *ext)
{
	const ASN1_OBJECT *obj = X509_EXTENSION_get_object(ext);
	BIO *bio = BIO_new(BIO_s_mem());
	char name[80], *data = NULL;
	long n = 0;

	if (OBJ_obj2txt(name, sizeof(name), obj, 0) <= 0)
		snprintf(name, sizeof(name), "(unreadable)");
	printf("%-16s %s%s\n", "extension", name,
	       X509_EXTENSION_get_critical(ext) ? " (critical)" : "");
	if (bio == NULL)
		return;
	if (X509V3_EXT_get(ext) == NULL || X509V3_EXT_print(bio, ext, X509V3_EXT_DEFAULT, 0) != 1) {
		(void)BIO_reset(bio);
		BIO_printf(bio, "(%d octets)", ASN1_STRING_length(X509_EXTENSION_get_data(ext)));
	}
	n = BIO_get_mem_data(bio, &data);
	fputs("                   ", stdout);
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '\n')
			fputs(i + 1 < n ? "\n                   " : "", stdout);
		else
			putchar(c >= 0x20 && c < 0x7F ? c : '?');
	}
	putchar('\n');
	BIO_free(bio);
}

static void show_extensions(const STACK_OF(X509_EXTENSION) * exts)
{
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++)
		show_extension(sk_X509_EXTENSION_value(exts, i));
}

static void show_findings(const struct pki_lint *r, int notices)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct pki_finding *f = &r->findings[i];

		if ((f->severity == PKI_SEV_NOTICE) != notices)
			continue;
		printf("%s%s: %s%s%s%s\n", notices ? "notice: " : "", f->rule->id, f->rule->text,
		       f->detail[0] != '\0' ? " (" : "", f->detail,
		       f->detail[0] != '\0' ? ")" : "");
	}
	if (r->truncated)
		printf("(more findings than shown)\n");
}

/* Which profiles of the object's kind it satisfies; or the closest one and what it breaks. */
static void show_profiles(const struct pki_obj *obj, X509 *issuer)
{
	struct pki_lint r, best;
	enum pki_profile best_profile = PKI_PROFILE_COUNT;
	int satisfied = 0;

	for (unsigned p = 0; p < PKI_PROFILE_COUNT; p++) {
		struct pki_lint_ctx ctx = {.profile = (enum pki_profile)p, .issuer = issuer};

		pki_lint_init(&r);
		if (pki_lint_obj(obj, &ctx, &r) != PKI_OK)
			continue;
		if (pki_lint_passed(&r)) {
			printf("%-16s %s (satisfied", "profile",
			       pki_profile_get(ctx.profile)->name);
			for (size_t i = 0; i < r.count; i++)
				printf("%s%s", i == 0 ? "; notices: " : ", ",
				       r.findings[i].rule->id);
			puts(")");
			satisfied = 1;
		} else if (best_profile == PKI_PROFILE_COUNT || r.errors < best.errors) {
			best = r;
			best_profile = ctx.profile;
		}
	}
	if (satisfied || best_profile == PKI_PROFILE_COUNT)
		return;
	printf("%-16s none satisfied; the closest, %s, is broken by:\n", "profile",
	       pki_profile_get(best_profile)->name);
	show_findings(&best, 0);
}

static void inspect_cert(X509 *x)
{
	const X509_ALGOR *alg;
	const ASN1_BIT_STRING *sig;
	struct pki_contin c;
	char text[80];

	show_name("subject", X509_get_subject_name(x));
	show_name("issuer", X509_get_issuer_name(x));
	show_integer("serial", X509_get0_serialNumber(x));
	show_time("not before", X509_get0_notBefore(x));
	show_time("not after", X509_get0_notAfter(x));
	show_key(X509_get_X509_PUBKEY(x));
	X509_get0_signature(&sig, &alg, x);
	show_sig_alg(alg);
	show_extensions(X509_get0_extensions(x));
	if (pki_contin_get(x, &c, NULL) == PKI_OK) {
		snprintf(text, sizeof(text), "%s, %zu octets wrapped", pki_wrap_alg_name(c.alg),
			 c.wrapped_len);
		field("contingency key", text);
	}
	field("rehearsal", pki_name_is_rehearsal(X509_get_subject_name(x)) ? "yes" : "no");
}

static void inspect_csr(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	const X509_ALGOR *alg;
	const ASN1_BIT_STRING *sig;

	show_name("subject", X509_REQ_get_subject_name(req));
	show_key(X509_REQ_get_X509_PUBKEY(req));
	X509_REQ_get0_signature(req, &sig, &alg);
	show_sig_alg(alg);
	show_extensions(exts);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	field("rehearsal", pki_name_is_rehearsal(X509_REQ_get_subject_name(req)) ? "yes" : "no");
}

static void inspect_crl(X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *revoked = X509_CRL_get_REVOKED(crl);
	const X509_ALGOR *alg;
	const ASN1_BIT_STRING *sig;
	char text[40];
	int n = sk_X509_REVOKED_num(revoked);

	show_name("issuer", X509_CRL_get_issuer(crl));
	show_time("this update", X509_CRL_get0_lastUpdate(crl));
	show_time("next update", X509_CRL_get0_nextUpdate(crl));
	X509_CRL_get0_signature(crl, &sig, &alg);
	show_sig_alg(alg);
	show_extensions(X509_CRL_get0_extensions(crl));
	snprintf(text, sizeof(text), "%d", n < 0 ? 0 : n);
	field("revoked", text);
	for (int i = 0; i < n && i < REVOKED_SHOWN; i++) {
		X509_REVOKED *rv = sk_X509_REVOKED_value(revoked, i);

		ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL, NULL);

		show_integer("  serial", X509_REVOKED_get0_serialNumber(rv));
		show_time("  revoked on", X509_REVOKED_get0_revocationDate(rv));
		if (reason != NULL) {
			snprintf(text, sizeof(text), "%ld", ASN1_ENUMERATED_get(reason));
			field("  reason code", text);
		}
		ASN1_ENUMERATED_free(reason);
	}
	if (n > REVOKED_SHOWN)
		printf("  (%d more)\n", n - REVOKED_SHOWN);
}

/* --- verbs ------------------------------------------------------------------------------ */

static int cmd_inspect(int argc, char **argv)
{
	struct pki_obj obj, issuer = {0};
	const char *issuer_path = NULL, *path;
	uint8_t fpr[PKI_SHA256_LEN];
	int i = 1, rc;

	if (argc - i >= 2 && strcmp(argv[i], "--issuer") == 0) {
		issuer_path = argv[i + 1];
		i += 2;
	}
	if (argc - i != 1 || (argv[i][0] == '-' && argv[i][1] != '\0')) {
		usage(stderr);
		return CLI_USAGE;
	}
	path = argv[i];
	if (issuer_path != NULL && (rc = load_issuer(issuer_path, &issuer)) != CLI_OK)
		return rc;
	rc = load(path, &obj);
	if (rc != CLI_OK) {
		pki_obj_free(&issuer);
		return rc;
	}
	field("type", pki_obj_type_name(obj.type));
	if (obj.type == PKI_OBJ_CERT)
		inspect_cert(obj.cert);
	else if (obj.type == PKI_OBJ_CSR)
		inspect_csr(obj.csr);
	else
		inspect_crl(obj.crl);
	if (pki_obj_fingerprint(&obj, fpr) == PKI_OK)
		show_fingerprint("SHA-256", fpr);
	show_profiles(&obj, issuer.cert);
	pki_obj_free(&obj);
	pki_obj_free(&issuer);
	return CLI_OK;
}

static int cmd_lint(int argc, char **argv)
{
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_COUNT};
	struct pki_obj obj = {0}, issuer = {0};
	struct pki_lint r;
	const char *path = NULL;
	int rc = CLI_USAGE;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc &&
		    ctx.profile == PKI_PROFILE_COUNT) {
			if (pki_profile_from_name(argv[++i], &ctx.profile) != PKI_OK) {
				cli_error("unknown profile '%.40s' (see 'ceremony cert profiles')",
					  argv[i]);
				goto out;
			}
		} else if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc && ctx.issuer == NULL) {
			if ((rc = load_issuer(argv[++i], &issuer)) != CLI_OK)
				goto out;
			ctx.issuer = issuer.cert;
			rc = CLI_USAGE;
		} else if (strcmp(argv[i], "--signer-key") == 0 && i + 1 < argc &&
			   ctx.signer == NULL) {
			if ((rc = load_pubkey(argv[++i], &ctx.signer)) != CLI_OK)
				goto out;
			rc = CLI_USAGE;
		} else if (strcmp(argv[i], "--production") == 0) {
			ctx.flags |= PKI_LINT_PRODUCTION;
		} else if ((argv[i][0] != '-' || argv[i][1] == '\0') && path == NULL) {
			path = argv[i];
		} else {
			usage(stderr);
			goto out;
		}
	}
	if (path == NULL || ctx.profile == PKI_PROFILE_COUNT) {
		usage(stderr);
		goto out;
	}
	rc = load(path, &obj);
	if (rc != CLI_OK)
		goto out;
	pki_lint_init(&r);
	if (pki_lint_obj(&obj, &ctx, &r) != PKI_OK) {
		cli_error("%.200s is a %s; profile %s is for another kind of object", path,
			  pki_obj_type_name(obj.type), pki_profile_get(ctx.profile)->name);
		rc = CLI_FAIL;
		goto out;
	}
	show_findings(&r, 0);
	show_findings(&r, 1);
	if (pki_lint_passed(&r)) {
		printf("ok: %.200s satisfies %s\n", path, pki_profile_get(ctx.profile)->name);
		rc = CLI_OK;
	} else {
		cli_error("%.200s breaks %zu rule%s of profile %s", path, r.errors,
			  r.errors == 1 ? "" : "s", pki_profile_get(ctx.profile)->name);
		rc = CLI_FAIL;
	}
out:
	pki_obj_free(&obj);
	pki_obj_free(&issuer);
	EVP_PKEY_free(ctx.signer);
	return rc;
}

static int cmd_profiles(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		cli_error("profiles takes no arguments");
		return CLI_USAGE;
	}
	const struct pki_rule *rules;
	size_t n = pki_lint_rules(&rules);

	puts("profiles:");
	for (unsigned p = 0; p < PKI_PROFILE_COUNT; p++)
		printf("  %-18s %s\n", pki_profile_get((enum pki_profile)p)->name,
		       pki_profile_get((enum pki_profile)p)->summary);
	puts("\nrules:");
	for (size_t i = 0; i < n; i++)
		printf("  %-18s %s\n", rules[i].id, rules[i].text);
	return CLI_OK;
}

static const struct cli_command verbs[] = {
	{ "inspect", cmd_inspect, "show a certificate, CSR or CRL" },
	{ "lint", cmd_lint, "check one against a profile" },
	{ "profiles", cmd_profiles, "list the profiles and their rules" },
};

int cmd_cert(int argc, char **argv)
{
	return cli_dispatch("cert", verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
