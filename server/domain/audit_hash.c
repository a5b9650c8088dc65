/* The audit log's hash chain; see audit_hash.h. */
#include "server/domain/audit_hash.h"

#include <sodium.h>
#include <string.h>

const char pd_audit_genesis[PD_HASH_HEX_LEN] =
    "0000000000000000000000000000000000000000000000000000000000000000";

void pd_audit_hash(const char *prev_hash_hex, const char *canonical, size_t canonical_len,
                   char out[PD_HASH_HEX_LEN]) {
  static const char hex[] = "0123456789abcdef";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_state st;

  if (prev_hash_hex == NULL) prev_hash_hex = "";
  if (canonical == NULL) canonical_len = 0;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, (const unsigned char *)prev_hash_hex, strlen(prev_hash_hex));
  crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
  if (canonical_len > 0) crypto_hash_sha256_update(&st, (const unsigned char *)canonical, canonical_len);
  crypto_hash_sha256_final(&st, digest);

  /* By hand rather than sodium_bin2hex so the digits are lowercase by construction. */
  for (size_t i = 0; i < sizeof digest; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0x0f];
  }
  out[PD_HASH_HEX_LEN - 1] = '\0';
}

bool pd_audit_hash_valid_hex(const char *s) {
  if (s == NULL) return false;
  for (int i = 0; i < PD_HASH_HEX_LEN - 1; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false; /* also stops at NUL */
  }
  return s[PD_HASH_HEX_LEN - 1] == '\0';
}
