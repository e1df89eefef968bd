#include "ceremony/pki/name.h"

#include <stdio.h>
#include <string.h>

#include <openssl/objects.h>

static const struct {
	const char *key;
	int nid;
	size_t max;    /* RFC 5280 appendix A upper bound, in characters */
	int printable; /* PrintableString rather than UTF8String */
} attr_types[] = {
    {"C", NID_countryName, 2, 1},
    {"ST", NID_stateOrProvinceName, 128, 0},
    {"L", NID_localityName, 128, 0},
    {"O", NID_organizationName, 64, 0},
    {"OU", NID_organizationalUnitName, 64, 0},
    {"CN", NID_commonName, 64, 0},
    {"serialNumber", NID_serialNumber, 64, 1},
};

size_t pki_name_upper_bound(int nid)
{
	for (size_t i = 0; i < sizeof(attr_types) / sizeof(attr_types[0]); i++)
		if (attr_types[i].nid == nid)
			return attr_types[i].max;
	return 0;
}

int pki_utf8_printable(const uint8_t *s, size_t len, size_t *chars)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t c = s[i];
		size_t more;

		if (c < 0x80)
			more = 0;
		else if ((c & 0xE0) == 0xC0)
			more = 1, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			more = 2, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0)
			more = 3, c &= 0x07;
		else
			return 0;
		if (more > len - i - 1)
			return 0;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		/* Shortest form only, no surrogates, nothing past Unicode, no controls. */
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) ||
		    (more == 3 && c < 0x10000) || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ||
		    c < 0x20 || (c >= 0x7F && c <= 0x9F))
			return 0;
		i += more + 1;
		n++;
	}
	*chars = n;
	return 1;
}

int pki_printable_string(const uint8_t *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (c != 0 && strchr(" '()+,-./:=?", c) != NULL)))
			return 0;
	}
	return 1;
}

/* One attribute "key=value" of len bytes, appended to name. */
static enum pki_err add_attr(X509_NAME *name, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	const char *value;
	size_t keylen, vlen, chars;
	size_t t;

	if (eq == NULL)
		return PKI_E_SUBJECT;
	keylen = (size_t)(eq - s);
	value = eq + 1;
	vlen = len - keylen - 1;
	for (t = 0; t < sizeof(attr_types) / sizeof(attr_types[0]); t++)
		if (strlen(attr_types[t].key) == keylen &&
		    memcmp(attr_types[t].key, s, keylen) == 0)
			break;
	if (t == sizeof(attr_types) / sizeof(attr_types[0]) || vlen == 0)
		return PKI_E_SUBJECT;
	if (value[0] == ' ' || value[vlen - 1] == ' ')
		return PKI_E_SUBJECT;
	for (size_t i = 0; i < vlen; i++)
		if (strchr(",+=\\\"<>;", value[i]) != NULL)
			return PKI_E_SUBJECT;
	if (!pki_utf8_printable((const uint8_t *)value, vlen, &chars) || chars > attr_types[t].max)
		return PKI_E_SUBJECT;
	if (attr_types[t].printable) {
		if (!pki_printable_string((const uint8_t *)value, vlen))
			return PKI_E_SUBJECT;
		if (attr_types[t].nid == NID_countryName &&
		    (vlen != 2 || value[0] < 'A' || value[0] > 'Z' || value[1] < 'A' ||
		     value[1] > 'Z'))
			return PKI_E_SUBJECT;
	}
	if (X509_NAME_add_entry_by_NID(name, attr_types[t].nid,
				       attr_types[t].printable ? V_ASN1_PRINTABLESTRING
							       : V_ASN1_UTF8STRING,
				       (const unsigned char *)value, (int)vlen, -1, 0) != 1)
		return PKI_E_CRYPTO;
	return PKI_OK;
}

enum pki_err pki_name_parse(const char *text, X509_NAME **out)
{
	X509_NAME *name;
	size_t len, pos = 0;
	enum pki_err err = PKI_E_SUBJECT;

	*out = NULL;
	len = strnlen(text, PKI_SUBJECT_MAX + 1);
	if (len == 0 || len > PKI_SUBJECT_MAX)
		return PKI_E_SUBJECT;
	name = X509_NAME_new();
	if (name == NULL)
		return PKI_E_NOMEM;
	for (;;) {
		const char *comma = memchr(text + pos, ',', len - pos);
		size_t end = comma != NULL ? (size_t)(comma - text) : len;

		if (X509_NAME_entry_count(name) >= PKI_NAME_RDNS_MAX)
			goto out;
		err = add_attr(name, text + pos, end - pos);
		if (err != PKI_OK)
			goto out;
		if (comma == NULL)
			break;
		pos = end + 1;
		while (pos < len && text[pos] == ' ')
			pos++;
		err = PKI_E_SUBJECT;
		if (pos == len)
			goto out;
	}
	*out = name;
	return PKI_OK;
out:
	X509_NAME_free(name);
	return err;
}

/* The UTF-8 value of entry i into buf; its length, or -1. */
static int entry_utf8(const X509_NAME *name, int i, char *buf, size_t max)
{
	const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
	unsigned char *utf8 = NULL;
	int n;

	if (v == NULL || ASN1_STRING_type(v) == V_ASN1_BIT_STRING)
		return -1;
	n = ASN1_STRING_to_UTF8(&utf8, v);
	if (n < 0)
		return -1;
	if ((size_t)n >= max) {
		OPENSSL_free(utf8);
		return -1;
	}
	memcpy(buf, utf8, (size_t)n);
	buf[n] = '\0';
	OPENSSL_free(utf8);
	return n;
}

int pki_name_get(const X509_NAME *name, int nid, char *out, size_t outlen)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);

	return i >= 0 && entry_utf8(name, i, out, outlen) >= 0;
}

static int is_marked_cn(const char *cn)
{
	size_t n = strlen(PKI_REHEARSAL_CN);

	return strncmp(cn, PKI_REHEARSAL_CN, n) == 0 && (cn[n] == '\0' || cn[n] == ' ');
}

int pki_name_is_rehearsal(const X509_NAME *name)
{
	char cn[256];

	for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;)
		if (entry_utf8(name, i, cn, sizeof(cn)) >= 0 && is_marked_cn(cn))
			return 1;
	return 0;
}

enum pki_err pki_name_mark_rehearsal(X509_NAME *name)
{
	static const char prefix[] = PKI_REHEARSAL_CN " ";
	char cn[256], marked[256];
	size_t chars;
	int i, n;

	if (pki_name_is_rehearsal(name))
		return PKI_OK;
	i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (i < 0)
		return X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_UTF8STRING,
						  (const unsigned char *)PKI_REHEARSAL_CN,
						  (int)strlen(PKI_REHEARSAL_CN), -1, 0) == 1
			   ? PKI_OK
			   : PKI_E_CRYPTO;
	n = entry_utf8(name, i, cn, sizeof(cn));
	if (n < 0 || (size_t)n + sizeof(prefix) > sizeof(marked))
		return PKI_E_SUBJECT;
	memcpy(marked, prefix, sizeof(prefix) - 1);
	memcpy(marked + sizeof(prefix) - 1, cn, (size_t)n);
	n += (int)sizeof(prefix) - 1;
	if (!pki_utf8_printable((const uint8_t *)marked, (size_t)n, &chars) ||
	    chars > pki_name_upper_bound(NID_commonName))
		return PKI_E_SUBJECT;
	/* Replace the entry in place (delete and re-add marks the name's cached DER stale); a CN
	 * sharing its RDN with another attribute is refused rather than split off. */
	if ((i > 0 && X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1)) ==
			  X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i))) ||
	    (i + 1 < X509_NAME_entry_count(name) &&
	     X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i + 1)) ==
		 X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i))))
		return PKI_E_SUBJECT;
	X509_NAME_ENTRY_free(X509_NAME_delete_entry(name, i));
	if (X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_UTF8STRING,
				       (const unsigned char *)marked, n, i, 0) != 1)
		return PKI_E_CRYPTO;
	return PKI_OK;
}

enum pki_err pki_name_add_entity_id(X509_NAME *name, const uint8_t id[PKI_ENTITY_ID_LEN])
{
	X509_NAME_ENTRY *e;
	ASN1_STRING *v;
	enum pki_err err = PKI_E_CRYPTO;

	e = X509_NAME_ENTRY_create_by_NID(NULL, NID_x500UniqueIdentifier, V_ASN1_BIT_STRING, id,
					  PKI_ENTITY_ID_LEN);
	if (e == NULL)
		return PKI_E_NOMEM;
	v = X509_NAME_ENTRY_get_data(e);
	/* Without this flag the encoder drops trailing zero bits: all 64 bits are the value. */
	v->flags = ASN1_STRING_FLAG_BITS_LEFT;
	if (X509_NAME_add_entry(name, e, -1, 0) == 1)
		err = PKI_OK;
	X509_NAME_ENTRY_free(e);
	return err;
}

enum pki_err pki_name_entity_id(const X509_NAME *name, uint8_t id[PKI_ENTITY_ID_LEN])
{
	int i = X509_NAME_get_index_by_NID(name, NID_x500UniqueIdentifier, -1);
	const ASN1_STRING *v;

	if (i < 0 || X509_NAME_get_index_by_NID(name, NID_x500UniqueIdentifier, i) >= 0)
		return PKI_E_ENTITY_ID;
	v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
	if (v == NULL || ASN1_STRING_type(v) != V_ASN1_BIT_STRING ||
	    ASN1_STRING_length(v) != PKI_ENTITY_ID_LEN || (v->flags & 0x07) != 0)
		return PKI_E_ENTITY_ID;
	memcpy(id, ASN1_STRING_get0_data(v), PKI_ENTITY_ID_LEN);
	return PKI_OK;
}

/* Appends s[len] to out at *pos; 0 when it does not fit. */
static int put(char *out, size_t outlen, size_t *pos, const char *s, size_t len)
{
	if (len >= outlen - *pos)
		return 0;
	memcpy(out + *pos, s, len);
	*pos += len;
	out[*pos] = '\0';
	return 1;
}

static int put_escaped(char *out, size_t outlen, size_t *pos, const uint8_t *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		char e[4] = {'\\', 'x', hex[s[i] >> 4], hex[s[i] & 15]};
		int plain = s[i] >= 0x20 && s[i] < 0x7F && s[i] != '\\';

		if (!(plain ? put(out, outlen, pos, (const char *)&s[i], 1)
			    : put(out, outlen, pos, e, sizeof(e))))
			return 0;
	}
	return 1;
}

static int put_value(char *out, size_t outlen, size_t *pos, const ASN1_STRING *v)
{
	unsigned char *utf8 = NULL;
	int n, ok;

	if (ASN1_STRING_type(v) == V_ASN1_BIT_STRING) {
		/* ASN.1 value notation for a BIT STRING: 'hex'H. */
		static const char hex[] = "0123456789ABCDEF";
		const uint8_t *d = ASN1_STRING_get0_data(v);
		size_t len = (size_t)ASN1_STRING_length(v);

		if (!put(out, outlen, pos, "'", 1))
			return 0;
		for (size_t i = 0; i < len; i++) {
			char h[2] = {hex[d[i] >> 4], hex[d[i] & 15]};

			if (!put(out, outlen, pos, h, 2))
				return 0;
		}
		return put(out, outlen, pos, "'H", 2);
	}
	n = ASN1_STRING_to_UTF8(&utf8, v);
	if (n < 0)
		return put(out, outlen, pos, "(unreadable)", 12);
	ok = put_escaped(out, outlen, pos, utf8, (size_t)n);
	OPENSSL_free(utf8);
	return ok;
}

enum pki_err pki_name_text(const X509_NAME *name, char *out, size_t outlen)
{
	size_t pos = 0;
	int count = X509_NAME_entry_count(name);

	if (outlen < 4)
		return PKI_E_BUFFER;
	out[0] = '\0';
	for (int i = 0; i < count; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
		int nid = OBJ_obj2nid(obj);
		char key[80];
		const char *sep = ", ";

		if (i > 0 &&
		    X509_NAME_ENTRY_set(e) == X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1)))
			sep = "+";
		if (nid != NID_undef)
			snprintf(key, sizeof(key), "%s", OBJ_nid2sn(nid));
		else if (OBJ_obj2txt(key, sizeof(key), obj, 1) <= 0)
			snprintf(key, sizeof(key), "?");
		if ((i > 0 && !put(out, outlen, &pos, sep, strlen(sep))) ||
		    !put(out, outlen, &pos, key, strlen(key)) || !put(out, outlen, &pos, "=", 1) ||
		    !put_value(out, outlen, &pos, X509_NAME_ENTRY_get_data(e))) {
			memcpy(out + (pos < outlen - 4 ? pos : outlen - 4), "...", 4);
			return PKI_E_BUFFER;
		}
	}
	return PKI_OK;
}
