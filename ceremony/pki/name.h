/*
 * Distinguished names: subjects from script strings, the SMKI entity identifier, the rehearsal
 * mark, and a printable rendering for people. Names are public.
 *
 * Subject strings (the grammar is in docs/profiles.md): "OU=00,CN=ZA" - attribute=value pairs
 * separated by commas (spaces after a comma are skipped), first pair first in the DER. Types:
 * C, ST, L, O, OU, CN, serialNumber. Values are non-empty UTF-8 without control characters,
 * without leading or trailing spaces and without the characters , + = \ " < > ;
 * within the RFC 5280 upper bounds. C and serialNumber become PrintableString (C two upper-case
 * letters), the rest UTF8String.
 */
#ifndef CEREMONY_PKI_NAME_H
#define CEREMONY_PKI_NAME_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ceremony/pki/err.h"

#define PKI_SUBJECT_MAX	  512  /* longest subject string accepted, in bytes */
#define PKI_NAME_RDNS_MAX 16   /* most attributes in a subject string */
#define PKI_NAME_TEXT_MAX 1024 /* a buffer for pki_name_text */
#define PKI_ENTITY_ID_LEN 8    /* the SMKI entity identifier (an EUI-64) */
/* A rehearsal subject's CN is "REHEARSAL" or starts with "REHEARSAL ". */
#define PKI_REHEARSAL_CN "REHEARSAL"

/* A new X509_NAME from a subject string. PKI_E_SUBJECT for any departure from the grammar. */
enum pki_err pki_name_parse(const char *text, X509_NAME **out);

/* Marks a name as a rehearsal's: "REHEARSAL " before its first CN, or a CN "REHEARSAL"
 * appended when it has none. No change when already marked. PKI_E_SUBJECT when the marked CN
 * would exceed 64 characters. */
enum pki_err pki_name_mark_rehearsal(X509_NAME *name);
int pki_name_is_rehearsal(const X509_NAME *name);

/* Appends x500UniqueIdentifier (2.5.4.45) as a BIT STRING of the 8 octets, no unused bits. */
enum pki_err pki_name_add_entity_id(X509_NAME *name, const uint8_t id[PKI_ENTITY_ID_LEN]);
/* The entity identifier of a name: exactly one x500UniqueIdentifier, a BIT STRING of 8 octets
 * with no unused bits. PKI_E_ENTITY_ID otherwise. */
enum pki_err pki_name_entity_id(const X509_NAME *name, uint8_t id[PKI_ENTITY_ID_LEN]);

/* One printable ASCII line: "OU=00, CN=ZA"; multi-valued RDNs joined by '+'; bytes outside
 * printable ASCII and the backslash as \xNN; BIT STRING values as 'hex'H. PKI_E_BUFFER
 * when it does not fit (out then ends in "..."). */
enum pki_err pki_name_text(const X509_NAME *name, char *out, size_t outlen);

/* The value of the first attribute of type nid as UTF-8 into out (NUL-terminated). Returns 1
 * when found and fitting, 0 otherwise. */
int pki_name_get(const X509_NAME *name, int nid, char *out, size_t outlen);

/* 1 when s[len] is well-formed UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF) without control characters (C0, DEL, C1); *chars then holds the number of code
 * points. 0 otherwise. */
int pki_utf8_printable(const uint8_t *s, size_t len, size_t *chars);

/* 1 when s[len] is a non-empty PrintableString (A-Z a-z 0-9 space ' ( ) + , - . / : = ?). */
int pki_printable_string(const uint8_t *s, size_t len);

/* The RFC 5280 upper bound on the length of an attribute, in characters; 0 when it has none
 * this module knows. */
size_t pki_name_upper_bound(int nid);

#endif
