/*
 * The syntaxes of script values that are plain strings (docs/script.md, section 2): names,
 * OIDs, host names, address prefixes, e-mail addresses, file names. Pure functions, no YAML.
 */
#include "ceremony/script/script_impl.h"

#include <string.h>

int script_valid_id(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len == 0 || len > max || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int script_valid_oid(const char *s)
{
	unsigned arcs = 0;
	const char *a = s;

	if (strlen(s) > 128)
		return 0;
	for (;;) {
		size_t n = strspn(a, "0123456789");

		if (n == 0 || n > 39 || (n > 1 && a[0] == '0'))
			return 0;
		if (arcs == 0 && (n > 1 || a[0] > '2'))
			return 0;
		if (arcs == 1 && s[0] != '2' && (n > 2 || (n == 2 && a[0] > '3')))
			return 0;
		arcs++;
		if (a[n] == '\0')
			break;
		if (a[n] != '.')
			return 0;
		a += n + 1;
	}
	return arcs >= 2;
}

int script_valid_host(const char *s, bool leading_dot)
{
	size_t len = strlen(s);

	if (leading_dot && s[0] == '.')
		s++, len--;
	if (len == 0 || len > 253)
		return 0;
	for (;;) {
		size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789-");

		if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
			return 0;
		if (s[n] == '\0')
			return 1;
		if (s[n] != '.')
			return 0;
		s += n + 1;
	}
}

/* The decimal prefix length after the slash: 1 to 3 digits, no leading zero. */
static int cidr_prefix(const char *d, unsigned long *prefix)
{
	if (d[0] == '\0' || strlen(d) > 3)
		return 0;
	*prefix = 0;
	for (const char *c = d; *c; c++) {
		if (*c < '0' || *c > '9' || (c == d && *c == '0' && c[1] != '\0'))
			return 0;
		*prefix = *prefix * 10 + (unsigned long)(*c - '0');
	}
	return 1;
}

/* Four dotted decimal octets ending at the slash. */
static int cidr_ipv4(const char *a, unsigned char addr[4])
{
	for (size_t i = 0; i < 4; i++) {
		unsigned long v = 0;
		size_t n = strspn(a, "0123456789");

		if (n == 0 || n > 3 || (n > 1 && a[0] == '0'))
			return 0;
		for (size_t k = 0; k < n; k++)
			v = v * 10 + (unsigned long)(a[k] - '0');
		if (v > 255 || a[n] != (i == 3 ? '/' : '.'))
			return 0;
		addr[i] = (unsigned char)v;
		a += n + 1;
	}
	return 1;
}

/* One group of 1-4 hex digits at *a; advances past it. */
static int hex_group(const char **a, unsigned *v)
{
	size_t n = strspn(*a, "0123456789abcdefABCDEF");

	if (n == 0 || n > 4)
		return 0;
	*v = 0;
	for (size_t k = 0; k < n; k++) {
		char ch = (*a)[k];

		*v = *v * 16 + (unsigned)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
	}
	*a += n;
	return 1;
}

/* IPv6: up to 8 groups of 1-4 hex digits, one "::" at most, no dotted tail, ending at slash. */
static int cidr_ipv6(const char *a, const char *slash, unsigned char addr[16])
{
	unsigned groups[8], before = 0, after = 0, *cnt = &before;
	int gap = 0;

	if (a[0] == ':' && a[1] == ':') {
		gap = 1;
		a += 2;
	}
	while (a < slash) {
		unsigned v;

		if (before + after == 8 || !hex_group(&a, &v))
			return 0;
		if (gap)
			cnt = &after;
		groups[before + after] = v;
		(*cnt)++;
		if (a == slash)
			break;
		if (a[0] != ':')
			return 0;
		if (a[1] == ':') {
			if (gap)
				return 0;
			gap = 1;
			a += 2;
		} else if (++a == slash) {
			return 0;
		}
	}
	if ((gap && before + after > 7) || (!gap && before != 8))
		return 0;
	for (unsigned i = 0; i < before + after; i++) {
		unsigned pos = i < before ? i : 8 - after + (i - before);

		addr[2 * pos] = (unsigned char)(groups[i] >> 8);
		addr[2 * pos + 1] = (unsigned char)groups[i];
	}
	return 1;
}

int script_valid_cidr(const char *s)
{
	unsigned char addr[16] = {0};
	const char *slash = strchr(s, '/');
	unsigned long prefix = 0;
	size_t alen = 4;

	if (slash == NULL || !cidr_prefix(slash + 1, &prefix))
		return 0;
	if (memchr(s, ':', (size_t)(slash - s)) == NULL) {
		if (!cidr_ipv4(s, addr))
			return 0;
	} else {
		alen = 16;
		if (!cidr_ipv6(s, slash, addr))
			return 0;
	}
	if (prefix > alen * 8)
		return 0;
	for (size_t bit = prefix; bit < alen * 8; bit++)
		if (addr[bit / 8] & (0x80u >> (bit % 8)))
			return 0;
	return 1;
}

int script_valid_email(const char *s)
{
	const char *at = strrchr(s, '@');

	if (at == NULL)
		return script_valid_host(s, true);
	if (at == s || strcspn(s, " @\"(),:;<>[]\\") != (size_t)(at - s))
		return 0;
	for (const char *q = s; q < at; q++)
		if ((unsigned char)*q < 0x21 || (unsigned char)*q > 0x7E)
			return 0;
	return script_valid_host(at + 1, false);
}

int script_valid_file(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > SCRIPT_FILE_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	       len;
}
