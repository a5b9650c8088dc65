/* The audit log's hash chain: hash = hex(SHA-256(prev_hash || "\n" || canonical)),
 * where canonical is the entry's JSON with keys sorted, no white space, and
 * non-ASCII kept as UTF-8 (jansson JSON_COMPACT | JSON_SORT_KEYS). The first
 * entry's prev_hash is 64 zeros. Uses libsodium; no other state.
 * Calling sodium_init() once at start-up is the caller's job (privdeskd's main
 * must); crypto_hash_sha256 itself works without it. */
#ifndef PD_AUDIT_HASH_H
#define PD_AUDIT_HASH_H

#include <stdbool.h>
#include <stddef.h>

#define PD_HASH_HEX_LEN 65 /* 64 hex digits + NUL */

extern const char pd_audit_genesis[PD_HASH_HEX_LEN];

/* out receives 64 lowercase hex digits and a NUL. prev_hash_hex is hashed as the
 * string it is (NULL counts as ""); canonical may be NULL when canonical_len is 0. */
void pd_audit_hash(const char *prev_hash_hex, const char *canonical, size_t canonical_len,
                   char out[PD_HASH_HEX_LEN]);
/* Exactly 64 lowercase hex digits (the form pd_audit_hash writes); false for NULL. */
bool pd_audit_hash_valid_hex(const char *s);

#endif
