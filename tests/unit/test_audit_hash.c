/* The audit hash chain: server/domain/audit_hash.h. Expected digests come from
 * coreutils, independent of libsodium:
 *   prev=0000000000000000000000000000000000000000000000000000000000000000
 *   printf '%s\n%s' "$prev" "$json" | sha256sum */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "server/domain/audit_hash.h"

#define ENTRY1                                                                                      \
  "{\"account_id\":null,\"action\":\"user.add\",\"actor\":\"system\",\"at\":\"2026-01-01T00:00:00Z\"," \
  "\"details\":{\"role\":\"agent\",\"user\":\"alice\"},\"seq\":1,\"target\":\"alice\"}"
/* printf '%s\n%s' "$prev" "$ENTRY1" | sha256sum */
#define HASH1 "34fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb21"

/* Non-ASCII kept as UTF-8 (é = C3 A9), as jansson writes it. */
#define ENTRY2                                                                                         \
  "{\"account_id\":\"acc_abcdefghijklmnop\",\"action\":\"request.reject\",\"actor\":\"alice\","         \
  "\"at\":\"2026-01-02T10:00:00Z\",\"details\":{\"reason\":\"Jos\xc3\xa9 n'a pas r\xc3\xa9pondu\"}," \
  "\"seq\":2,\"target\":\"req_abcdefghijklmnop\"}"
/* printf '%s\n%s' "$HASH1" "$ENTRY2" | sha256sum */
#define HASH2 "8c305db232bcf70edcecb4fcb143103f01455a8baff77fd6ed4e427c78741664"

/* printf '%s\n' "$prev" | sha256sum  (an empty canonical) */
#define HASH_EMPTY "827d096d92f3deeaa0e8070d79f45beb176768e57a958a1cd325f5f4b754b048"

static void genesis(void **state) {
  (void)state;
  assert_int_equal(strlen(pd_audit_genesis), 64);
  for (int i = 0; i < 64; i++) assert_int_equal(pd_audit_genesis[i], '0');
  assert_true(pd_audit_hash_valid_hex(pd_audit_genesis));
}

static void known_vector(void **state) {
  (void)state;
  char out[PD_HASH_HEX_LEN];
  memset(out, 'X', sizeof out);
  pd_audit_hash(pd_audit_genesis, ENTRY1, strlen(ENTRY1), out);
  assert_string_equal(out, HASH1);
}

static void chain_of_two(void **state) {
  (void)state;
  char h1[PD_HASH_HEX_LEN], h2[PD_HASH_HEX_LEN];
  pd_audit_hash(pd_audit_genesis, ENTRY1, strlen(ENTRY1), h1);
  pd_audit_hash(h1, ENTRY2, strlen(ENTRY2), h2);
  assert_string_equal(h2, HASH2);
  /* The link matters: the same entry after another predecessor hashes differently. */
  char other[PD_HASH_HEX_LEN];
  pd_audit_hash(pd_audit_genesis, ENTRY2, strlen(ENTRY2), other);
  assert_string_not_equal(other, HASH2);
}

static void length_not_nul_terminates(void **state) {
  (void)state;
  char a[PD_HASH_HEX_LEN], b[PD_HASH_HEX_LEN];
  /* Only canonical_len bytes count, so trailing bytes are ignored... */
  static const char padded[] = ENTRY1 "trailing";
  pd_audit_hash(pd_audit_genesis, padded, strlen(ENTRY1), a);
  assert_string_equal(a, HASH1);
  /* ...and an embedded NUL is hashed, not a terminator. */
  static const char with_nul[] = "ab\0cd";
  pd_audit_hash(pd_audit_genesis, with_nul, 5, a);
  pd_audit_hash(pd_audit_genesis, with_nul, 2, b);
  assert_string_not_equal(a, b);
  /* An empty canonical, given as "" or NULL. */
  pd_audit_hash(pd_audit_genesis, "", 0, a);
  assert_string_equal(a, HASH_EMPTY);
  pd_audit_hash(pd_audit_genesis, NULL, 0, a);
  assert_string_equal(a, HASH_EMPTY);
}

static void matches_plain_sha256(void **state) {
  (void)state;
  /* Cross-check with libsodium's one-shot API over the concatenated bytes. */
  static const char msg[] = "0000000000000000000000000000000000000000000000000000000000000000\n" ENTRY1;
  unsigned char digest[crypto_hash_sha256_BYTES];
  char hex[PD_HASH_HEX_LEN];
  crypto_hash_sha256(digest, (const unsigned char *)msg, sizeof msg - 1);
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  assert_string_equal(hex, HASH1);
}

static void output_is_valid_hex(void **state) {
  (void)state;
  char out[PD_HASH_HEX_LEN];
  for (int i = 0; i < 50; i++) {
    char entry[32];
    snprintf(entry, sizeof entry, "{\"seq\":%d}", i);
    pd_audit_hash(pd_audit_genesis, entry, strlen(entry), out);
    assert_int_equal(strlen(out), 64);
    assert_true(pd_audit_hash_valid_hex(out));
  }
}

static void hex_validation(void **state) {
  (void)state;
  assert_true(pd_audit_hash_valid_hex(HASH1));
  assert_true(pd_audit_hash_valid_hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  static const char *const bad[] = {
      "",
      "0",
      "34fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb2",   /* 63 */
      "34fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb210", /* 65 */
      "34FDA12DEE84B4CD2C6CECD7346319DCCC28AED75D475E59C3B64F469996CB21",  /* upper case */
      "34fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb2g",  /* g */
      "34fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb2 ",  /* space */
      " 34fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb2",
      "0x4fda12dee84b4cd2c6cecd7346319dccc28aed75d475e59c3b64f469996cb21",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (pd_audit_hash_valid_hex(bad[i])) fail_msg("accepted \"%s\"", bad[i]);
  assert_false(pd_audit_hash_valid_hex(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(genesis),
      cmocka_unit_test(known_vector),
      cmocka_unit_test(chain_of_two),
      cmocka_unit_test(length_not_nul_terminates),
      cmocka_unit_test(matches_plain_sha256),
      cmocka_unit_test(output_is_valid_hex),
      cmocka_unit_test(hex_validation),
  };
  /* Deliberately no sodium_init(): audit_hash.h promises the hash works without it. */
  return cmocka_run_group_tests_name("audit_hash", tests, NULL, NULL);
}
