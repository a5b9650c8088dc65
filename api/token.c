#include "api/token.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/internal.h"

struct pd_token {
  char *secret; /* sodium_malloc'd, PD_TOKEN_MAX + 1 bytes, PROT_NONE at rest */
};

static bool valid_token(const char *s, size_t n) {
  if (n == 0 || n > PD_TOKEN_MAX) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] <= ' ' || s[i] > '~') return false;
  return true;
}

/* Takes n bytes from s into a new guarded token. */
static pd_token *token_new(const char *s, size_t n, struct pd_error *err) {
  if (!valid_token(s, n)) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "the token is %s", n == 0 ? "empty" :
                 n > PD_TOKEN_MAX ? "too long" : "not printable ASCII without spaces");
    return NULL;
  }
  if (sodium_init() < 0) {
    pd_error_set(err, PD_E_LOCAL, "libsodium could not be initialised");
    return NULL;
  }
  pd_token *t = malloc(sizeof *t);
  if (!t || !(t->secret = sodium_malloc(PD_TOKEN_MAX + 1))) {
    free(t);
    pd_error_set(err, PD_E_LOCAL, "out of memory for the token");
    return NULL;
  }
  memcpy(t->secret, s, n);
  t->secret[n] = '\0';
  sodium_mprotect_noaccess(t->secret);
  return t;
}

pd_token *pd_token_from_string(const char *s, struct pd_error *err) {
  pd_error_clear(err);
  if (!s) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "no token given");
    return NULL;
  }
  return token_new(s, strlen(s), err);
}

pd_token *pd_token_from_env(struct pd_error *err) {
  pd_error_clear(err);
  char *v = getenv(PD_TOKEN_ENV);
  if (!v || !*v) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "%s is not set", PD_TOKEN_ENV);
    return NULL;
  }
  size_t n = strlen(v);
  pd_token *t = token_new(v, n, err);
  /* Wipe the value where it lives (also in /proc/self/environ) and drop it. */
  sodium_memzero(v, n);
  unsetenv(PD_TOKEN_ENV);
  return t;
}

int pd_token_check_fd(int fd, const char *path, struct pd_error *err) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "token file %s: %s", path, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "token file %s is not a regular file", path);
    return -1;
  }
  if (st.st_mode & 077) {
    pd_error_set(err, PD_E_UNAUTHENTICATED,
                 "token file %s is accessible by group or others (mode %04o); refused — run: chmod 600 %s", path,
                 (unsigned)(st.st_mode & 07777), path);
    return -1;
  }
  if (st.st_uid != geteuid() && st.st_uid != 0) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "token file %s belongs to another user; refused", path);
    return -1;
  }
  return 0;
}

pd_token *pd_token_from_file(const char *path, struct pd_error *err) {
  pd_error_clear(err);
  if (!path) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "no token file given");
    return NULL;
  }
  /* O_NONBLOCK: a FIFO must not hang the start-up; it is refused below anyway. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "token file %s: %s", path, strerror(errno));
    return NULL;
  }
  if (pd_token_check_fd(fd, path, err) != 0) {
    close(fd);
    return NULL;
  }
  if (sodium_init() < 0) {
    close(fd);
    pd_error_set(err, PD_E_LOCAL, "libsodium could not be initialised");
    return NULL;
  }
  char *buf = sodium_malloc(PD_TOKEN_MAX + 2);
  size_t n = 0;
  ssize_t r = 0;
  while (buf && n < PD_TOKEN_MAX + 2 && ((r = read(fd, buf + n, PD_TOKEN_MAX + 2 - n)) > 0 || (r < 0 && errno == EINTR)))
    if (r > 0) n += (size_t)r;
  int saved = errno;
  close(fd);
  pd_token *t = NULL;
  if (!buf) {
    pd_error_set(err, PD_E_LOCAL, "out of memory for the token");
  } else if (r < 0) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "token file %s: %s", path, strerror(saved));
  } else {
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    t = token_new(buf, n, err);
    if (!t) {
      char why[PD_ERROR_MESSAGE_MAX];
      snprintf(why, sizeof why, "%s", err->message);
      pd_error_set(err, err->kind, "token file %s: %s", path, why);
    }
  }
  sodium_free(buf); /* zeroes before freeing */
  return t;
}

void pd_token_free(pd_token *t) {
  if (!t) return;
  sodium_free(t->secret);
  free(t);
}

struct curl_slist *pd_token_append_auth(const pd_token *t, struct curl_slist *list, bool *ok) {
  char header[PD_TOKEN_MAX + 32];
  sodium_mprotect_readonly(t->secret);
  int n = snprintf(header, sizeof header, "Authorization: Bearer %s", t->secret);
  sodium_mprotect_noaccess(t->secret);
  struct curl_slist *l = n > 0 ? curl_slist_append(list, header) : NULL;
  sodium_memzero(header, sizeof header);
  *ok = l != NULL;
  return l ? l : list;
}

void pd_headers_wipe_free(struct curl_slist *list) {
  for (struct curl_slist *p = list; p; p = p->next)
    if (p->data) sodium_memzero(p->data, strlen(p->data));
  curl_slist_free_all(list);
}
