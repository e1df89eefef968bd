/* Constant time in the share file: sealing and opening with the mnemonic and the passphrase
 * secret, and the check of a decrypted mnemonic on its own (a branching check would leak word
 * lengths through timing). Only one-bit verdicts and the length of the padded-out text are
 * declassified (below, and sodium_memcmp in ct.h).
 *
 * Argon2id is not checked: its second half indexes memory by secret-derived values by design
 * (Argon2id's data-dependent passes), which memcheck would rightly report. A wrapper runs it with
 * error reporting off and marks the key it derives secret, so everything after it is checked:
 * XChaCha20-Poly1305, the padding, the tag check, the mnemonic check. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "shamir/sharefile.h"
#include "tests/ct/ct.h"

/* Argon2id, unchecked (above); its output is secret. */
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa,
			    crypto_pwhash)(unsigned char *out, unsigned long long outlen,
					   const char *pass, unsigned long long passlen,
					   const unsigned char *salt, unsigned long long ops,
					   size_t mem, int alg);
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa,
			    crypto_pwhash)(unsigned char *out, unsigned long long outlen,
					   const char *pass, unsigned long long passlen,
					   const unsigned char *salt, unsigned long long ops,
					   size_t mem, int alg)
{
	OrigFn fn;
	int r;

	VALGRIND_GET_ORIG_FN(fn);
	VALGRIND_DISABLE_ERROR_REPORTING;
	CALL_FN_W_8W(r, fn, out, outlen, pass, passlen, salt, ops, mem, alg);
	VALGRIND_ENABLE_ERROR_REPORTING;
	public(&r, sizeof(r));
	secret(out, outlen);
	return r;
}

/* The Poly1305 tag check: whether the file opens is public. */
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa, crypto_verify_16)(const unsigned char *x,
							       const unsigned char *y);
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa, crypto_verify_16)(const unsigned char *x,
							       const unsigned char *y)
{
	OrigFn fn;
	int r;

	VALGRIND_GET_ORIG_FN(fn);
	CALL_FN_W_WW(r, fn, x, y);
	public(&r, sizeof(r));
	return r;
}

/* The padding: whether it is well formed, and the length of the text it ends (the length of a
 * mnemonic is shown wherever it is: on the card, as it is typed). */
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa, sodium_unpad)(size_t *len, const unsigned char *buf,
							   size_t padded, size_t block);
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa, sodium_unpad)(size_t *len, const unsigned char *buf,
							   size_t padded, size_t block)
{
	OrigFn fn;
	int r;

	VALGRIND_GET_ORIG_FN(fn);
	CALL_FN_W_WWWW(r, fn, len, buf, padded, block);
	public(&r, sizeof(r));
	public(len, sizeof(*len));
	return r;
}

/* The mnemonic check's verdict, where sharefile_seal and sharefile_open branch on it. */
int I_WRAP_SONAME_FNNAME_ZU(NONE, sharefile_mnemonic_ok)(const char *m, size_t len);
int I_WRAP_SONAME_FNNAME_ZU(NONE, sharefile_mnemonic_ok)(const char *m, size_t len)
{
	OrigFn fn;
	int r;

	VALGRIND_GET_ORIG_FN(fn);
	CALL_FN_W_WW(r, fn, m, len);
	public(&r, sizeof(r));
	return r;
}

static int check(const char *text, int want)
{
	size_t n = strlen(text);
	char *s = sodium_malloc(n + 1);
	int got;

	if (s == NULL)
		return 1;
	memcpy(s, text, n + 1);
	VALGRIND_MAKE_MEM_UNDEFINED(s, n);
	got = sharefile_mnemonic_ok(s, n);
	VALGRIND_MAKE_MEM_DEFINED(&got, sizeof(got));
	VALGRIND_MAKE_MEM_DEFINED(s, n);
	sodium_memzero(s, n);
	sodium_free(s);
	if (got != want) {
		printf("sharefile_mnemonic_ok(\"%s\") = %d, want %d\n", text, got, want);
		return 1;
	}
	return 0;
}

/* Seals and opens a share file with the mnemonic and the passphrase secret; a wrong passphrase
 * does not open it. */
static int seal_open(void)
{
	static const char words[] = "duckling enlarge academic academic agency result length "
				    "solution fridge kidney coal piece deal husband erode duke "
				    "ajar critical decision keyboard";
	struct sharefile_meta meta;
	size_t n = strlen(words), plen = 28, flen = 0, olen = 0;
	char *m = sodium_malloc(n + 1), *pass = sodium_malloc(plen + 1), *out = NULL;
	unsigned char *file = NULL;
	enum sharefile_err e;
	int bad = 0;

	CHECK(m != NULL && pass != NULL);
	memcpy(m, words, n + 1);
	memcpy(pass, "correct horse battery staple", plen + 1);
	memset(&meta, 0, sizeof(meta));
	strcpy(meta.ceremony_id, "ct");
	strcpy(meta.key_name, "root");
	meta.group_threshold = meta.group_count = meta.member_threshold = 1;
	meta.rehearsal = 1;
	secret(m, n);
	secret(pass, plen);
	e = sharefile_seal(&meta, &sharefile_kdf_rehearsal, m, n, pass, plen, NULL, NULL, &file,
			   &flen);
	CHECK(e == SHAREFILE_OK);
	/* The file is public: it is written to the medium. */
	public(file, flen);
	e = sharefile_open(file, flen, pass, plen, NULL, &out, &olen);
	CHECK(e == SHAREFILE_OK);
	public(out, olen);
	public(m, n);
	bad |= olen != n || memcmp(out, words, n) != 0;
	sodium_memzero(out, olen);
	sodium_free(out);
	pass[0] = 'C';
	secret(pass, plen);
	e = sharefile_open(file, flen, pass, plen, NULL, &out, &olen);
	bad |= e != SHAREFILE_E_DECRYPT || out != NULL;
	free(file);
	sodium_free(m);
	sodium_free(pass);
	if (bad)
		printf("seal and open: wrong result\n");
	return bad;
}

int main(void)
{
	int bad = 0;

	if (sodium_init() < 0)
		return 1;
	bad |= check("duckling enlarge academic academic agency result length solution fridge "
		     "kidney coal piece deal husband erode duke ajar critical decision keyboard",
		     1);
	bad |= check("duckling  enlarge", 0);
	bad |= check("Duckling enlarge", 0);
	bad |= check("duckling enlarge ", 0);
	bad |= seal_open();
	printf("ct_sharefile: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
