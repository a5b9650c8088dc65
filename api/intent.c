/* Write intents: one Idempotency-Key per user action, bound to the first
 * request sent with it and re-sendable. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "api/internal.h"

static int random_bytes(unsigned char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(buf + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got == n) return 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  return got == n ? 0 : -1;
}

/* base64url without padding: 32 bytes -> 43 characters. */
static void base64url(const unsigned char *in, size_t n, char *out) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
    out[o++] = abc[v >> 18 & 63];
    out[o++] = abc[v >> 12 & 63];
    if (i + 1 < n) out[o++] = abc[v >> 6 & 63];
    if (i + 2 < n) out[o++] = abc[v & 63];
  }
  out[o] = '\0';
}

static pd_intent *intent_alloc(void) {
  pd_intent *in = calloc(1, sizeof *in);
  if (in) in->spec.if_match = PD_NO_VERSION;
  return in;
}

pd_intent *pd_intent_new(void) {
  unsigned char raw[32];
  if (random_bytes(raw, sizeof raw) != 0) return NULL;
  pd_intent *in = intent_alloc();
  if (in) base64url(raw, sizeof raw, in->key);
  return in;
}

pd_intent *pd_intent_from_key(const char *key) {
  size_t n = key ? strlen(key) : 0;
  if (n == 0 || n > PD_IDEMPOTENCY_KEY_MAX) return NULL;
  for (size_t i = 0; i < n; i++)
    if (key[i] <= ' ' || key[i] > '~') return NULL;
  pd_intent *in = intent_alloc();
  if (in) memcpy(in->key, key, n + 1);
  return in;
}

const char *pd_intent_key(const pd_intent *in) { return in ? in->key : NULL; }
bool pd_intent_is_bound(const pd_intent *in) { return in && in->bound; }

pd_call *pd_intent_resubmit(pd_client *c, pd_intent *in, pd_callback cb, void *ud) {
  if (!in || !in->bound)
    return pd_call_fail(c, PD_VALUE_NONE, PD_E_INVALID_INPUT, "the intent has not been sent yet", cb, ud);
  struct pd_spec spec;
  if (pd_spec_copy(&spec, &in->spec) != 0) return NULL;
  return pd_call_start(c, &spec, in, cb, ud);
}

void pd_intent_free(pd_intent *in) {
  if (!in) return;
  pd_spec_clear(&in->spec);
  free(in);
}
