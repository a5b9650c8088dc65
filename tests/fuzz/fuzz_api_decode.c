/* libFuzzer target: arbitrary bytes into every api/ decoder. The first byte
 * chooses the decoder (its value modulo PD_VALUE_COUNT + 1, see below), the
 * rest is the response body. Built and run by tests/fuzz/run-api-decode.sh
 * with clang -fsanitize=fuzzer,address,undefined; the seed corpus is
 * tests/fuzz/corpus/api_decode (the decoder corpus with the selector byte).
 *   0                  the problem document decoder (pd_error_from_problem)
 *   1..PD_VALUE_COUNT-1 pd_decode() of that enum pd_value_kind
 *   PD_VALUE_COUNT     the RFC 3339 / date / Retry-After / ETag parsers */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "api/retry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct pd_error *e) {
  /* Every text field is NUL-terminated within its cap. */
  if (strnlen(e->message, sizeof e->message) == sizeof e->message || strnlen(e->code, sizeof e->code) == sizeof e->code ||
      strnlen(e->title, sizeof e->title) == sizeof e->title || strnlen(e->detail, sizeof e->detail) == sizeof e->detail)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned sel = data[0] % (PD_VALUE_COUNT + 1);
  const char *body = (const char *)data + 1;
  size_t len = size - 1;
  struct pd_error err;
  if (sel == PD_VALUE_NONE) {
    pd_error_from_problem(&err, 400 + (long)(len % 200), body, len, NULL);
    check_error(&err);
    return 0;
  }
  if (sel == PD_VALUE_COUNT) {
    char *s = malloc(len + 1);
    if (!s) return 0;
    memcpy(s, body, len);
    s[len] = '\0';
    int64_t t;
    long long v;
    char buf[PD_TIME_BUF];
    if (pd_time_parse(s, &t) == 0) {
      /* What parses formats back and parses to the same instant. */
      if (pd_time_format(t, buf, sizeof buf) == 0) {
        int64_t back;
        if (pd_time_parse(buf, &back) != 0 || back != t) abort();
      }
    }
    (void)pd_date_parse(s, &t);
    (void)pd_retry_after_s(s, 1700000000);
    (void)pd_etag_version(s, &v);
    free(s);
    return 0;
  }
  void *value = NULL;
  if (pd_decode((enum pd_value_kind)sel, body, len, &value, &err) == 0) {
    pd_value_free((enum pd_value_kind)sel, value);
  } else {
    if (value || err.kind != PD_E_BAD_RESPONSE) abort();
    check_error(&err);
  }
  return 0;
}
