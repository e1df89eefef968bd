#include "ceremony/transcript/transcript_json.h"

#include <string.h>

struct scan {
	const unsigned char *s;
	size_t len, pos;
	struct tjson_tok *tok;
	size_t n, max;
};

static int hexdigit_upper(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The length of the UTF-8 sequence at s[0..n), or 0 when it is not one jansson accepts. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need;

	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3;
	else
		return 0;
	/* The second byte's range excludes overlong forms, surrogates and > U+10FFFF. */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < need + 1 || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need + 1;
}

static enum tjson_result new_tok(struct scan *c, enum tjson_type type, unsigned depth,
				 size_t *index)
{
	if (c->n >= c->max)
		return TJSON_LIMIT;
	*index = c->n++;
	memset(&c->tok[*index], 0, sizeof(c->tok[0]));
	c->tok[*index].type = (uint8_t)type;
	c->tok[*index].depth = (uint16_t)depth;
	c->tok[*index].start = (uint32_t)c->pos;
	return TJSON_OK;
}

static enum tjson_result string(struct scan *c, unsigned depth)
{
	size_t i, esc = 0;
	enum tjson_result r = new_tok(c, TJ_STRING, depth, &i);

	if (r != TJSON_OK)
		return r;
	c->pos++; /* the opening quote, checked by the caller */
	c->tok[i].start = (uint32_t)c->pos;
	while (c->pos < c->len) {
		unsigned char ch = c->s[c->pos];

		if (ch == '"') {
			c->tok[i].len = (uint32_t)(c->pos - c->tok[i].start);
			c->tok[i].count = (uint32_t)esc;
			c->tok[i].next = (uint32_t)c->n;
			c->pos++;
			return TJSON_OK;
		}
		if (ch < 0x20)
			return TJSON_INVALID;
		if (ch == '\\') {
			unsigned char e;

			if (c->pos + 1 >= c->len)
				return TJSON_INVALID;
			e = c->s[c->pos + 1];
			esc++;
			if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
			    e == 't') {
				c->pos += 2;
				continue;
			}
			/* \u00XX only for the control characters without a short escape. */
			if (e == 'u' && c->pos + 5 < c->len && c->s[c->pos + 2] == '0' &&
			    c->s[c->pos + 3] == '0') {
				int h1 = hexdigit_upper(c->s[c->pos + 4]);
				int h2 = hexdigit_upper(c->s[c->pos + 5]);
				int v = h1 * 16 + h2;

				if (h1 >= 0 && h2 >= 0 && v > 0 && v < 0x20 && v != '\b' &&
				    v != '\f' && v != '\n' && v != '\r' && v != '\t') {
					c->pos += 6;
					continue;
				}
			}
			return TJSON_INVALID;
		}
		if (ch < 0x80) {
			c->pos++;
		} else {
			size_t n = utf8_seq(c->s + c->pos, c->len - c->pos);

			if (n == 0)
				return TJSON_INVALID;
			c->pos += n;
		}
	}
	return TJSON_INVALID;
}

static enum tjson_result number(struct scan *c, unsigned depth)
{
	uint64_t mag = 0, limit = INT64_MAX;
	size_t i, digits = 0;
	int neg = 0;
	enum tjson_result r = new_tok(c, TJ_INTEGER, depth, &i);

	if (r != TJSON_OK)
		return r;
	if (c->s[c->pos] == '-') {
		neg = 1;
		limit = (uint64_t)INT64_MAX + 1;
		c->pos++;
	}
	while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
		unsigned d = (unsigned)(c->s[c->pos] - '0');

		if (digits == 1 && mag == 0)
			return TJSON_INVALID; /* a leading zero */
		if (mag > (limit - d) / 10)
			return TJSON_INVALID; /* jansson: "too big integer" */
		mag = mag * 10 + d;
		digits++;
		c->pos++;
	}
	if (digits == 0 || (neg && mag == 0))
		return TJSON_INVALID; /* "-" alone, or "-0" (jansson writes 0) */
	if (c->pos < c->len &&
	    (c->s[c->pos] == '.' || c->s[c->pos] == 'e' || c->s[c->pos] == 'E'))
		return TJSON_INVALID; /* a fraction: integers only */
	c->tok[i].integer = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	c->tok[i].len = (uint32_t)(c->pos - c->tok[i].start);
	c->tok[i].next = (uint32_t)c->n;
	return TJSON_OK;
}

static enum tjson_result literal(struct scan *c, unsigned depth, const char *word,
				 enum tjson_type type)
{
	size_t i, n = strlen(word);
	enum tjson_result r;

	if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
		return TJSON_INVALID;
	r = new_tok(c, type, depth, &i);
	if (r != TJSON_OK)
		return r;
	c->pos += n;
	c->tok[i].len = (uint32_t)n;
	c->tok[i].next = (uint32_t)c->n;
	return TJSON_OK;
}

static enum tjson_result value(struct scan *c, unsigned depth);

/* An object or an array: members are "key":value, items are values; ',' between, nothing
 * else. */
static enum tjson_result container(struct scan *c, unsigned depth, int object)
{
	unsigned char close = object ? '}' : ']';
	size_t i, count = 0;
	enum tjson_result r;

	if (depth >= TJSON_DEPTH_MAX)
		return TJSON_LIMIT;
	r = new_tok(c, object ? TJ_OBJECT : TJ_ARRAY, depth, &i);
	if (r != TJSON_OK)
		return r;
	c->pos++;
	if (c->pos < c->len && c->s[c->pos] == close) {
		c->pos++;
		c->tok[i].next = (uint32_t)c->n;
		return TJSON_OK;
	}
	for (;;) {
		if (object) {
			if (c->pos >= c->len || c->s[c->pos] != '"')
				return TJSON_INVALID;
			r = string(c, depth + 1);
			if (r != TJSON_OK)
				return r;
			if (c->pos >= c->len || c->s[c->pos] != ':')
				return TJSON_INVALID;
			c->pos++;
		}
		r = value(c, depth + 1);
		if (r != TJSON_OK)
			return r;
		count++;
		if (c->pos >= c->len)
			return TJSON_INVALID;
		if (c->s[c->pos] == close)
			break;
		if (c->s[c->pos] != ',')
			return TJSON_INVALID;
		c->pos++;
	}
	c->pos++;
	c->tok[i].count = (uint32_t)count;
	c->tok[i].len = (uint32_t)(c->pos - c->tok[i].start);
	c->tok[i].next = (uint32_t)c->n;
	return TJSON_OK;
}

static enum tjson_result value(struct scan *c, unsigned depth)
{
	if (c->pos >= c->len)
		return TJSON_INVALID;
	switch (c->s[c->pos]) {
	case '{':
		return container(c, depth, 1);
	case '[':
		return container(c, depth, 0);
	case '"':
		return string(c, depth);
	case 't':
		return literal(c, depth, "true", TJ_TRUE);
	case 'f':
		return literal(c, depth, "false", TJ_FALSE);
	case 'n':
		return literal(c, depth, "null", TJ_NULL);
	default:
		if (c->s[c->pos] == '-' || (c->s[c->pos] >= '0' && c->s[c->pos] <= '9'))
			return number(c, depth);
		return TJSON_INVALID;
	}
}

enum tjson_result tjson_scan(const char *s, size_t len, struct tjson_tok *tok, size_t max,
			     size_t *ntok)
{
	struct scan c = { (const unsigned char *)s, len, 0, tok, 0, max };
	enum tjson_result r;

	*ntok = 0;
	if (len > UINT32_MAX)
		return TJSON_LIMIT;
	r = value(&c, 0);
	if (r == TJSON_OK && c.pos != len)
		r = TJSON_INVALID;
	if (r == TJSON_OK)
		*ntok = c.n;
	return r;
}

int tjson_is(const char *s, const struct tjson_tok *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->type == TJ_STRING && t->count == 0 && t->len == n &&
	       memcmp(s + t->start, lit, n) == 0;
}

long tjson_member(const char *s, const struct tjson_tok *tok, size_t obj, const char *key)
{
	size_t i = obj + 1;

	if (tok[obj].type != TJ_OBJECT)
		return -1;
	for (uint32_t m = 0; m < tok[obj].count; m++) {
		if (tjson_is(s, &tok[i], key))
			return (long)(i + 1);
		i = tok[i + 1].next;
	}
	return -1;
}

int tjson_copy(const char *s, const struct tjson_tok *t, char *out, size_t outlen)
{
	static const char shorts[] = "\"\"\\\\b\bf\fn\nr\rt\t";
	const char *p = s + t->start, *end = p + t->len;
	size_t n = 0;

	while (p < end) {
		char ch = *p++;

		if (ch == '\\') {
			if (*p == 'u') {
				ch = (char)(hexdigit_upper((unsigned char)p[3]) * 16 +
					    hexdigit_upper((unsigned char)p[4]));
				p += 5;
			} else {
				for (size_t k = 0; k + 1 < sizeof(shorts); k += 2)
					if (shorts[k] == *p) {
						ch = shorts[k + 1];
						break;
					}
				p++;
			}
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = ch;
	}
	if (outlen == 0)
		return -1;
	out[n] = '\0';
	return 0;
}
