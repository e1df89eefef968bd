/* Payload type detection: the accepted forms (openssl-made certificate, CSR, CRL in
 * tests/vectors/payload/), and a one-line refusal for everything near them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "media/error.h"
#include "media/payload.h"
#include "tests/unit/media_test.h"

static int detect_str(const char *s, struct media_payload_info *info)
{
	return media_payload_detect((const unsigned char *)s, strlen(s), info);
}

static void expect_file(const char *rel, enum media_payload_type type, int pem)
{
	struct media_payload_info info;
	size_t len;
	char *buf = read_testdata(rel, &len);

	assert_int_equal(media_payload_detect((unsigned char *)buf, len, &info), MEDIA_OK);
	assert_int_equal(info.type, type);
	assert_int_equal(info.pem, pem);
	assert_true(info.der_len > 0);
	free(buf);
}

static void test_accepted(void **state)
{
	(void)state;
	expect_file("vectors/payload/cert.pem", MEDIA_PAYLOAD_CERT, 1);
	expect_file("vectors/payload/cert.der", MEDIA_PAYLOAD_CERT, 0);
	expect_file("vectors/payload/csr.pem", MEDIA_PAYLOAD_CSR, 1);
	expect_file("vectors/payload/csr.der", MEDIA_PAYLOAD_CSR, 0);
	expect_file("vectors/payload/crl.pem", MEDIA_PAYLOAD_CRL, 1);
	expect_file("vectors/payload/crl.der", MEDIA_PAYLOAD_CRL, 0);
	assert_string_equal(media_payload_name(MEDIA_PAYLOAD_CSR), "CSR");
}

static void test_der_strict(void **state)
{
	struct media_payload_info info;
	size_t len;
	char *der = read_testdata("vectors/payload/cert.der", &len);
	unsigned char *buf = malloc(len + 2);

	(void)state;
	assert_non_null(buf);
	memcpy(buf, der, len);
	buf[len] = 0;
	assert_int_equal(media_payload_detect(buf, len + 1, &info), MEDIA_E_PAYLOAD_DER);
	assert_int_equal(media_payload_detect(buf, len - 1, &info), MEDIA_E_PAYLOAD_DER);
	/* The same length in a longer (non-minimal) form: BER, not DER. */
	assert_true(buf[1] == 0x82);
	memmove(buf + 2, buf + 1, len - 1);
	buf[1] = 0x83;
	buf[2] = 0;
	assert_int_equal(media_payload_detect(buf, len + 1, &info), MEDIA_E_PAYLOAD_DER);
	/* The inner SEQUENCE made a SET: the outer length still fits, the certificate does not. */
	memcpy(buf, der, len);
	assert_true(buf[4] == 0x30);
	buf[4] = 0x31;
	assert_int_equal(media_payload_detect(buf, len, &info), MEDIA_E_PAYLOAD_UNKNOWN);
	/* A well-formed SEQUENCE that is none of ours. */
	assert_int_equal(
	    media_payload_detect((const unsigned char *)"\x30\x03\x02\x01\x05", 5, &info),
	    MEDIA_E_PAYLOAD_UNKNOWN);
	free(buf);
	free(der);
}

/* A copy of s with the first occurrence of from replaced by to; frees s. */
static char *edit_str(char *s, const char *from, const char *to)
{
	size_t len = strlen(s);
	char *p = strstr(s, from), *out;

	assert_non_null(p);
	out = malloc(len + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, s, (size_t)(p - s));
	memcpy(out + (p - s), to, strlen(to));
	memcpy(out + (p - s) + strlen(to), p + strlen(from),
	       len - (size_t)(p - s) - strlen(from) + 1);
	free(s);
	return out;
}

static char *edit(const char *rel, const char *from, const char *to)
{
	return edit_str(read_testdata(rel, NULL), from, to);
}

static const struct {
	const char *file, *from, *to, *from2, *to2;
	int want;
} edits[] = {
    {"vectors/payload/csr.pem", "CERTIFICATE REQUEST-----\n", "CERTIFICATE-----\n", NULL, NULL,
     MEDIA_E_PAYLOAD_PEM},
    {"vectors/payload/csr.pem", "BEGIN CERTIFICATE REQUEST", "BEGIN CERTIFICATE",
     "END CERTIFICATE REQUEST", "END CERTIFICATE", MEDIA_E_PAYLOAD_LABEL},
    {"vectors/payload/cert.pem", "BEGIN CERTIFICATE", "BEGIN PRIVATE KEY", NULL, NULL,
     MEDIA_E_PAYLOAD_LABEL},
    {"vectors/payload/cert.pem", "END CERTIFICATE", "END X509 CRL", NULL, NULL,
     MEDIA_E_PAYLOAD_PEM},
    {"vectors/payload/cert.pem", "\nMII", "\nM*I", NULL, NULL, MEDIA_E_PAYLOAD_PEM},
    {"vectors/payload/cert.pem", "\nMII", "\nMI\nI", NULL, NULL, MEDIA_E_PAYLOAD_PEM},
};

static void test_pem_strict(void **state)
{
	struct media_payload_info info;
	char *s;
	size_t len;

	(void)state;
	/* Trailing text, leading text, a second block. */
	s = edit("vectors/payload/cert.pem", "-----END CERTIFICATE-----\n",
		 "-----END CERTIFICATE-----\nx");
	assert_int_equal(detect_str(s, &info), MEDIA_E_PAYLOAD_PEM);
	free(s);
	s = read_testdata("vectors/payload/cert.pem", &len);
	{
		char *two = malloc(2 * len + 1);

		assert_non_null(two);
		memcpy(two, s, len);
		memcpy(two + len, s, len + 1);
		assert_int_equal(detect_str(two, &info), MEDIA_E_PAYLOAD_PEM);
		free(two);
	}
	assert_int_equal(detect_str(s + 1, &info), MEDIA_E_PAYLOAD_UNKNOWN);
	/* Without the final newline: still fine. */
	s[len - 1] = '\0';
	assert_int_equal(detect_str(s, &info), MEDIA_OK);
	free(s);
	/* A BEGIN label without its END, a label that does not match the content, one we do not
	 * take, END not matching, bad base64, a short line before the last. */
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		s = edit(edits[i].file, edits[i].from, edits[i].to);
		if (edits[i].from2 != NULL)
			s = edit_str(s, edits[i].from2, edits[i].to2);
		assert_int_equal(detect_str(s, &info), edits[i].want);
		free(s);
	}
	/* CRLF everywhere is accepted. */
	{
		char *pem = read_testdata("vectors/payload/crl.pem", &len), *crlf;
		size_t j = 0;

		crlf = malloc(2 * len + 1);
		assert_non_null(crlf);
		for (size_t i = 0; i < len; i++) {
			if (pem[i] == '\n')
				crlf[j++] = '\r';
			crlf[j++] = pem[i];
		}
		crlf[j] = '\0';
		assert_int_equal(detect_str(crlf, &info), MEDIA_OK);
		assert_int_equal(info.type, MEDIA_PAYLOAD_CRL);
		/* Mixed line ends are not. */
		{
			char *p = strstr(crlf + 30, "\r\n");

			assert_non_null(p);
			memmove(p, p + 1, strlen(p + 1) + 1);
			assert_int_equal(detect_str(crlf, &info), MEDIA_E_PAYLOAD_PEM);
		}
		free(crlf);
		free(pem);
	}
}

static void test_shares(void **state)
{
	static const char w[] = "academic ";
	struct media_payload_info info;
	char buf[512], two[600];
	size_t counts_ok[] = {20, 22, 23, 25, 27, 28, 30, 31, 33};

	(void)state;
	for (size_t c = 19; c <= 34; c++) {
		int ok = 0;

		for (size_t i = 0; i < c; i++)
			memcpy(buf + i * (sizeof(w) - 1), w, sizeof(w) - 1);
		buf[c * (sizeof(w) - 1) - 1] = '\0';
		for (size_t k = 0; k < sizeof(counts_ok) / sizeof(counts_ok[0]); k++)
			ok |= counts_ok[k] == c;
		assert_int_equal(detect_str(buf, &info), ok ? MEDIA_OK : MEDIA_E_PAYLOAD_SHARE);
		if (ok) {
			assert_int_equal(info.type, MEDIA_PAYLOAD_SHARE);
			assert_int_equal(info.words, c);
		}
	}
	/* 20 words: upper case and a final newline are fine; mixed case, double spaces, a short
	 * word or a digit are not. */
	snprintf(buf, sizeof(buf), "%s",
		 "ACADEMIC ACID ACNE ACQUIRE ACRYLIC ACTIVE ACTOR ACTRESS ADAPT ADULT ADVANCE "
		 "ADVOCATE AFRAID AGAIN AGENCY AGREE AIDE AIRCRAFT AIRLINE AIRPORT\n");
	assert_int_equal(detect_str(buf, &info), MEDIA_OK);
	buf[1] = 'c';
	assert_int_equal(detect_str(buf, &info), MEDIA_E_PAYLOAD_SHARE);
	buf[1] = 'C';
	snprintf(two, sizeof(two), "%.8s %s", buf, buf + 8);
	assert_int_equal(detect_str(two, &info), MEDIA_E_PAYLOAD_SHARE);
	snprintf(two, sizeof(two), "%s\n", buf);
	assert_int_equal(detect_str(two, &info), MEDIA_E_PAYLOAD_UNKNOWN);
	assert_int_equal(detect_str("acid acid", &info), MEDIA_E_PAYLOAD_SHARE);
	assert_int_equal(detect_str("ab cd", &info), MEDIA_E_PAYLOAD_SHARE);
	assert_int_equal(detect_str("acid 4cid", &info), MEDIA_E_PAYLOAD_UNKNOWN);
}

static void test_other(void **state)
{
	struct media_payload_info info;
	unsigned char big[MEDIA_PAYLOAD_MAX + 1];
	unsigned char *der;
	size_t len;
	char *pem = read_testdata("vectors/payload/cert.pem", &len);

	(void)state;
	{
		char *ur = read_testdata("vectors/ur/ur_single.txt", NULL);

		ur[strcspn(ur, "\n")] = '\0';
		assert_int_equal(detect_str(ur, &info), MEDIA_OK);
		assert_int_equal(info.type, MEDIA_PAYLOAD_UR);
		for (char *c = ur; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
		assert_int_equal(detect_str(ur, &info), MEDIA_OK);
		free(ur);
	}
	/* Bytewords that are not a CBOR byte string; a bad checksum. */
	assert_int_equal(detect_str("ur:bytes/aeadaolazmjendeoti", &info), MEDIA_E_CBOR);
	assert_int_equal(detect_str("ur:bytes/aeadaolazmjendeotx", &info), MEDIA_E_BYTEWORDS);
	assert_int_equal(media_payload_detect(big, 0, &info), MEDIA_E_PAYLOAD_EMPTY);
	memset(big, 'a', sizeof(big));
	assert_int_equal(media_payload_detect(big, sizeof(big), &info), MEDIA_E_TOOBIG);
	assert_int_equal(detect_str("\x01\x02 binary", &info), MEDIA_E_PAYLOAD_UNKNOWN);
	assert_int_equal(detect_str("-----BEGIN CERTIFICATE-----", &info), MEDIA_E_PAYLOAD_PEM);
	/* The DER inside a PEM certificate. */
	assert_int_equal(media_payload_der((unsigned char *)pem, len, &der, &len), MEDIA_OK);
	assert_int_equal(der[0], 0x30);
	free(der);
	{
		static const char share[] = "acid acid acid acid acid acid acid acid acid acid "
					    "acid acid acid acid acid acid acid acid acid acid";

		assert_int_equal(
		    media_payload_der((const unsigned char *)share, sizeof(share) - 1, &der, &len),
		    MEDIA_E_ARG);
	}
	assert_null(der);
	free(pem);
	assert_string_not_equal(media_strerror(MEDIA_E_PAYLOAD_DER), "unknown error");
	assert_string_equal(media_strerror(-1), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),   cmocka_unit_test(test_der_strict),
	    cmocka_unit_test(test_pem_strict), cmocka_unit_test(test_shares),
	    cmocka_unit_test(test_other),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
