#include "server/ids.h"

#include <string.h>

#include <sodium.h>

static const char base32[] = "abcdefghijklmnopqrstuvwxyz234567";

void id_from_bytes(char out[ST_ID_MAX], const char *prefix, const unsigned char bytes[10]) {
  size_t p = strlen(prefix);
  memcpy(out, prefix, p);
  /* 80 bits, big-endian, in 16 groups of 5 bits. Unsigned overflow of acc is
   * harmless: only its low nbits (< 13) are ever read. */
  uint32_t acc = 0;
  int nbits = 0, k = 0;
  for (int i = 0; i < 10; i++) {
    acc = (acc << 8) | bytes[i];
    nbits += 8;
    while (nbits >= 5) {
      out[p + (size_t)k++] = base32[(acc >> (nbits - 5)) & 31];
      nbits -= 5;
    }
  }
  out[p + 16] = '\0';
}

void id_new(char out[ST_ID_MAX], const char *prefix) {
  unsigned char bytes[10];
  randombytes_buf(bytes, sizeof bytes);
  id_from_bytes(out, prefix, bytes);
}

int id_valid(const char *s, const char *prefix) {
  size_t p = strlen(prefix);
  if (!s || strncmp(s, prefix, p) != 0 || strlen(s) != p + 16) return 0;
  for (const char *c = s + p; *c; c++)
    if (!strchr(base32, *c)) return 0;
  return 1;
}

void token_hash(const char *token, size_t len, unsigned char hash[32]) {
  crypto_hash_sha256(hash, (const unsigned char *)token, len);
}

void token_new(char out[PD_TOKEN_LEN], unsigned char hash[32]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  memcpy(out, "pdt_", 4);
  sodium_bin2base64(out + 4, PD_TOKEN_LEN - 4, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  token_hash(out, strlen(out), hash);
}
