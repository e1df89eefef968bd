#include "shamir/sharefile.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The layout of version 1 (docs/sharefile.md); every integer is big-endian. */
static const unsigned char magic[8] = { 0x89, 'C', 'S', 'H', 'R', '\r', '\n', 0x1A };
enum {
	OFF_VERSION = 8,
	OFF_FLAGS = 9,
	OFF_KDF = 10,
	OFF_AEAD = 11,
	OFF_OPS = 12,
	OFF_MEM = 16,
	OFF_SALT = 20,
	OFF_NONCE = OFF_SALT + crypto_pwhash_argon2id_SALTBYTES,
	OFF_CREATED = OFF_NONCE + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	OFF_ID = OFF_CREATED + 8,
	OFF_GI = OFF_ID + 2,
	OFF_GT,
	OFF_GC,
	OFF_MI,
	OFF_MT,
	OFF_FPR,
	FIXED = OFF_FPR + 32, /* then: ceremony id, key name (length byte, bytes), ct length */
};

#define FLAG_REHEARSAL 0x01u
#define KDF_ARGON2ID13 1
#define AEAD_XCHACHA20POLY1305 1
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEYBYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define CREATED_MAX 253402300799ULL /* 9999-12-31T23:59:59Z */

const struct sharefile_kdf sharefile_kdf_default = { 3, 262144 };
const struct sharefile_kdf sharefile_kdf_floor = { 2, 19456 };
const struct sharefile_kdf sharefile_kdf_rehearsal = { 1, 8192 };
const struct sharefile_kdf sharefile_kdf_ceiling = { 16, 1048576 };

static const char *const messages[] = {
	[SHAREFILE_OK] = "ok",
	[SHAREFILE_E_INVAL] = "invalid argument or share metadata",
	[SHAREFILE_E_NOMEM] = "out of memory",
	[SHAREFILE_E_MAGIC] = "not a share file",
	[SHAREFILE_E_VERSION] = "unsupported share file version or algorithm",
	[SHAREFILE_E_FORMAT] = "malformed share file header",
	[SHAREFILE_E_TRUNCATED] = "share file is truncated",
	[SHAREFILE_E_TRAILING] = "share file has trailing bytes",
	[SHAREFILE_E_WEAK] = "share file key derivation parameters are below the floor",
	[SHAREFILE_E_COSTLY] = "share file key derivation parameters are above the ceiling",
	[SHAREFILE_E_PASSPHRASE] = "passphrase has the wrong length",
	[SHAREFILE_E_MNEMONIC] = "share is not a mnemonic",
	[SHAREFILE_E_DECRYPT] = "wrong passphrase, or the share file was altered",
};

const char *sharefile_strerror(enum sharefile_err err)
{
	if ((size_t)err >= sizeof(messages) / sizeof(messages[0]))
		return "unknown share file error";
	return messages[err];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* 1 when lo <= c <= hi, computed without a branch on c. */
static uint32_t ct_in(uint32_t c, uint32_t lo, uint32_t hi)
{
	return 1u ^ (((c - lo) | (hi - c)) >> 31);
}

int sharefile_mnemonic_ok(const char *m, size_t len)
{
	uint32_t bad = 0, prev_space = 1; /* a leading space counts as a double space */

	for (size_t i = 0; i < len; i++) {
		uint32_t c = (unsigned char)m[i];
		uint32_t space = ct_in(c, ' ', ' ');

		bad |= 1u ^ (ct_in(c, 'a', 'z') | space);
		bad |= prev_space & space;
		prev_space = space;
	}
	bad |= prev_space; /* a trailing space, or empty text */
	return (int)(1u ^ bad);
}

static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > SHAREFILE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

static int meta_ok(const struct sharefile_meta *m)
{
	return name_ok(m->ceremony_id, strnlen(m->ceremony_id, sizeof(m->ceremony_id))) &&
	       name_ok(m->key_name, strnlen(m->key_name, sizeof(m->key_name))) &&
	       m->identifier <= 0x7FFF && m->group_count >= 1 && m->group_count <= 16 &&
	       m->group_threshold >= 1 && m->group_threshold <= m->group_count &&
	       m->group_index < m->group_count && m->member_index <= 15 &&
	       m->member_threshold >= 1 && m->member_threshold <= 16 &&
	       (m->member_threshold > 1 || m->member_index == 0) &&
	       (m->rehearsal == 0 || m->rehearsal == 1) && m->created <= CREATED_MAX;
}

/* A rehearsal file may be as cheap as the rehearsal cost; every other file not below the floor. */
static enum sharefile_err kdf_ok(const struct sharefile_kdf *k, int rehearsal)
{
	const struct sharefile_kdf *min = rehearsal ? &sharefile_kdf_rehearsal : &sharefile_kdf_floor;

	if (k->opslimit < min->opslimit || k->memlimit_kib < min->memlimit_kib)
		return SHAREFILE_E_WEAK;
	if (k->opslimit > sharefile_kdf_ceiling.opslimit ||
	    k->memlimit_kib > sharefile_kdf_ceiling.memlimit_kib)
		return SHAREFILE_E_COSTLY;
	return SHAREFILE_OK;
}

/* The header's length for these names, ciphertext length field included. */
static size_t header_len(size_t id_len, size_t name_len)
{
	return FIXED + 1 + id_len + 1 + name_len + 2;
}

enum sharefile_err sharefile_peek(const unsigned char *file, size_t len,
				  struct sharefile_meta *meta)
{
	struct sharefile_meta m;
	size_t id_len, name_len, hlen, ct_len;
	enum sharefile_err e;

	if (meta == NULL)
		return SHAREFILE_E_INVAL;
	memset(meta, 0, sizeof(*meta));
	memset(&m, 0, sizeof(m));
	if (file == NULL)
		return SHAREFILE_E_INVAL;
	if (memcmp(file, magic, len < sizeof(magic) ? len : sizeof(magic)) != 0)
		return SHAREFILE_E_MAGIC;
	if (len <= FIXED)
		return SHAREFILE_E_TRUNCATED;
	if (file[OFF_VERSION] != SHAREFILE_VERSION || file[OFF_KDF] != KDF_ARGON2ID13 ||
	    file[OFF_AEAD] != AEAD_XCHACHA20POLY1305)
		return SHAREFILE_E_VERSION;
	if ((file[OFF_FLAGS] & ~FLAG_REHEARSAL) != 0)
		return SHAREFILE_E_FORMAT;
	m.kdf.opslimit = get32(file + OFF_OPS);
	m.kdf.memlimit_kib = get32(file + OFF_MEM);
	m.rehearsal = (file[OFF_FLAGS] & FLAG_REHEARSAL) != 0;
	e = kdf_ok(&m.kdf, m.rehearsal);
	if (e != SHAREFILE_OK)
		return e;
	m.created = get64(file + OFF_CREATED);
	m.identifier = (uint16_t)(file[OFF_ID] << 8 | file[OFF_ID + 1]);
	m.group_index = file[OFF_GI];
	m.group_threshold = file[OFF_GT];
	m.group_count = file[OFF_GC];
	m.member_index = file[OFF_MI];
	m.member_threshold = file[OFF_MT];
	memcpy(m.key_fpr, file + OFF_FPR, 32);
	id_len = file[FIXED];
	if (len < FIXED + 1 + id_len + 1)
		return SHAREFILE_E_TRUNCATED;
	name_len = file[FIXED + 1 + id_len];
	hlen = header_len(id_len, name_len);
	if (len < hlen)
		return SHAREFILE_E_TRUNCATED;
	if (id_len > SHAREFILE_NAME_MAX || name_len > SHAREFILE_NAME_MAX)
		return SHAREFILE_E_FORMAT;
	memcpy(m.ceremony_id, file + FIXED + 1, id_len);
	memcpy(m.key_name, file + FIXED + 1 + id_len + 1, name_len);
	if (strlen(m.ceremony_id) != id_len || strlen(m.key_name) != name_len || !meta_ok(&m))
		return SHAREFILE_E_FORMAT;
	ct_len = (size_t)file[hlen - 2] << 8 | file[hlen - 1];
	/* The plaintext is padded to whole blocks: anything else was not written by seal. */
	if (ct_len < TAG + SHAREFILE_PAD_BLOCK || (ct_len - TAG) % SHAREFILE_PAD_BLOCK != 0 ||
	    hlen + ct_len > SHAREFILE_MAX)
		return SHAREFILE_E_FORMAT;
	if (len < hlen + ct_len)
		return SHAREFILE_E_TRUNCATED;
	if (len > hlen + ct_len)
		return SHAREFILE_E_TRAILING;
	*meta = m;
	return SHAREFILE_OK;
}

static enum sharefile_err derive(unsigned char *key, const char *pass, size_t pass_len,
				 const unsigned char *salt, const struct sharefile_kdf *kdf)
{
	if (crypto_pwhash(key, KEYBYTES, pass, pass_len, salt, kdf->opslimit,
			  (size_t)kdf->memlimit_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SHAREFILE_E_NOMEM; /* libsodium fails here only when it cannot allocate */
	return SHAREFILE_OK;
}

/* Wipes and frees a secret buffer (NULL is fine). */
static void discard(unsigned char *p, size_t n)
{
	if (p == NULL)
		return;
	sodium_memzero(p, n);
	sodium_free(p);
}

static size_t padded_len(size_t n)
{
	return n + (SHAREFILE_PAD_BLOCK - n % SHAREFILE_PAD_BLOCK);
}

enum sharefile_err sharefile_seal(const struct sharefile_meta *meta,
				  const struct sharefile_kdf *kdf, const char *mnemonic,
				  size_t mnemonic_len, const char *passphrase,
				  size_t passphrase_len, sharefile_random_fn rnd, void *rnd_ctx,
				  unsigned char **out, size_t *out_len)
{
	size_t id_len, name_len, hlen, plen, used = 0;
	unsigned char *file = NULL, *key = NULL, *pt = NULL;
	enum sharefile_err e;

	if (out == NULL || out_len == NULL)
		return SHAREFILE_E_INVAL;
	*out = NULL;
	*out_len = 0;
	if (kdf == NULL)
		kdf = &sharefile_kdf_default;
	if (meta == NULL || mnemonic == NULL || passphrase == NULL || !meta_ok(meta))
		return SHAREFILE_E_INVAL;
	e = kdf_ok(kdf, meta->rehearsal);
	if (e != SHAREFILE_OK)
		return e;
	if (passphrase_len < SHAREFILE_PASSPHRASE_MIN || passphrase_len > SHAREFILE_PASSPHRASE_MAX)
		return SHAREFILE_E_PASSPHRASE;
	if (mnemonic_len > SHAREFILE_MNEMONIC_MAX || !sharefile_mnemonic_ok(mnemonic, mnemonic_len))
		return SHAREFILE_E_MNEMONIC;

	id_len = strlen(meta->ceremony_id);
	name_len = strlen(meta->key_name);
	hlen = header_len(id_len, name_len);
	plen = padded_len(mnemonic_len);
	file = malloc(hlen + plen + TAG);
	key = sodium_malloc(KEYBYTES);
	pt = sodium_malloc(plen);
	e = SHAREFILE_E_NOMEM;
	if (file == NULL || key == NULL || pt == NULL)
		goto out;
	memcpy(file, magic, sizeof(magic));
	file[OFF_VERSION] = SHAREFILE_VERSION;
	file[OFF_FLAGS] = meta->rehearsal ? FLAG_REHEARSAL : 0;
	file[OFF_KDF] = KDF_ARGON2ID13;
	file[OFF_AEAD] = AEAD_XCHACHA20POLY1305;
	put32(file + OFF_OPS, kdf->opslimit);
	put32(file + OFF_MEM, kdf->memlimit_kib);
	if (rnd != NULL)
		rnd(rnd_ctx, file + OFF_SALT, OFF_CREATED - OFF_SALT); /* salt and nonce */
	else
		randombytes_buf(file + OFF_SALT, OFF_CREATED - OFF_SALT);
	put64(file + OFF_CREATED, meta->created);
	file[OFF_ID] = (unsigned char)(meta->identifier >> 8);
	file[OFF_ID + 1] = (unsigned char)meta->identifier;
	file[OFF_GI] = meta->group_index;
	file[OFF_GT] = meta->group_threshold;
	file[OFF_GC] = meta->group_count;
	file[OFF_MI] = meta->member_index;
	file[OFF_MT] = meta->member_threshold;
	memcpy(file + OFF_FPR, meta->key_fpr, 32);
	file[FIXED] = (unsigned char)id_len;
	memcpy(file + FIXED + 1, meta->ceremony_id, id_len);
	file[FIXED + 1 + id_len] = (unsigned char)name_len;
	memcpy(file + FIXED + 2 + id_len, meta->key_name, name_len);
	file[hlen - 2] = (unsigned char)((plen + TAG) >> 8);
	file[hlen - 1] = (unsigned char)(plen + TAG);

	memcpy(pt, mnemonic, mnemonic_len);
	if (sodium_pad(&used, pt, mnemonic_len, SHAREFILE_PAD_BLOCK, plen) != 0 || used != plen) {
		e = SHAREFILE_E_INVAL;
		goto out;
	}
	e = derive(key, passphrase, passphrase_len, file + OFF_SALT, kdf);
	if (e != SHAREFILE_OK)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(file + hlen, NULL, pt, plen, file, hlen, NULL,
						   file + OFF_NONCE, key);
	*out = file;
	*out_len = hlen + plen + TAG;
	file = NULL;
out:
	free(file);
	discard(key, KEYBYTES);
	discard(pt, plen);
	return e;
}

enum sharefile_err sharefile_open(const unsigned char *file, size_t len, const char *passphrase,
				  size_t passphrase_len, struct sharefile_meta *meta,
				  char **mnemonic, size_t *mnemonic_len)
{
	struct sharefile_meta m;
	unsigned char *key = NULL, *pt = NULL;
	size_t hlen, plen = 0, n = 0;
	char *text;
	enum sharefile_err e;

	if (mnemonic == NULL || mnemonic_len == NULL)
		return SHAREFILE_E_INVAL;
	*mnemonic = NULL;
	*mnemonic_len = 0;
	if (file == NULL || passphrase == NULL)
		return SHAREFILE_E_INVAL;
	e = sharefile_peek(file, len, &m);
	if (e != SHAREFILE_OK)
		return e;
	if (passphrase_len == 0 || passphrase_len > SHAREFILE_PASSPHRASE_MAX)
		return SHAREFILE_E_PASSPHRASE;
	hlen = header_len(strlen(m.ceremony_id), strlen(m.key_name));
	plen = len - hlen - TAG;
	key = sodium_malloc(KEYBYTES);
	pt = sodium_malloc(plen);
	e = SHAREFILE_E_NOMEM;
	if (key == NULL || pt == NULL)
		goto out;
	e = derive(key, passphrase, passphrase_len, file + OFF_SALT, &m.kdf);
	if (e != SHAREFILE_OK)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, file + hlen, plen + TAG,
						       file, hlen, file + OFF_NONCE, key) != 0) {
		e = SHAREFILE_E_DECRYPT;
		goto out;
	}
	/* Authentic, so written by seal with this passphrase: still, check what it holds. */
	if (sodium_unpad(&n, pt, plen, SHAREFILE_PAD_BLOCK) != 0 || n > SHAREFILE_MNEMONIC_MAX ||
	    !sharefile_mnemonic_ok((const char *)pt, n)) {
		e = SHAREFILE_E_MNEMONIC;
		goto out;
	}
	text = sodium_malloc(n + 1);
	if (text == NULL) {
		e = SHAREFILE_E_NOMEM;
		goto out;
	}
	memcpy(text, pt, n);
	text[n] = '\0';
	*mnemonic = text;
	*mnemonic_len = n;
	if (meta != NULL)
		*meta = m;
	e = SHAREFILE_OK;
out:
	discard(key, KEYBYTES);
	discard(pt, plen);
	return e;
}
