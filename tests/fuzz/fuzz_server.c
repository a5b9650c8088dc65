/* libFuzzer target: arbitrary requests through privdeskd's whole request
 * processing, in-process (server/http_process.h: auth, rate limit, route,
 * role, query, body, idempotency, the handler in its store transaction,
 * ETag/304), against a small seeded SQLite store in a temporary file that is
 * put back to its seeded state before every input, so each input is
 * reproducible on its own. Aborts on any answer >= 500 (bad input must be a
 * 4xx) and on a malformed response; the sanitizers catch the rest. Built and
 * run by tests/fuzz/run-server.sh; seed corpus tests/fuzz/corpus/server.
 *
 * An input is a small HTTP request:
 *
 *   METHOD TARGET              (TARGET = path[?query], percent-encoded)
 *   Name: value                (Authorization, If-Match, If-None-Match,
 *   ...                         Idempotency-Key, Content-Type, Content-Length)
 *                              (an empty line)
 *   body                       (everything after it, as is)
 *
 * Placeholders make the corpus independent of the seeded ids and tokens:
 *   @vera @alice @bob @sam     the token of that user (viewer, agent, agent,
 *                              supervisor); @rex: a revoked supervisor
 *   @accN @reqN @hldN          the id of the N-th seeded account, request,
 *                              hold (N modulo their number)
 *   @cur                       the ETag "<version>" of the first resource
 *                              named in the path (for If-Match)
 *   @confirm                   the e-mail of the account behind the request
 *                              or account named in the path (erasure)
 * PD_FUZZ_SERVER_LIST=1 prints the seeded requests and holds with their
 * index, type and status (for writing corpus files). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "server/http_process.h"
#include "server/ids.h"
#include "server/seed.h"
#include "server/store.h"
#include "server/store_sqlite_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static struct server *srv;
static sqlite3 *pristine; /* the seeded database, in memory */
static char dir[4096];

static const char *const user_names[] = {"vera", "alice", "bob", "sam", "rex"};
static const char *const user_roles[] = {"viewer", "agent", "agent", "supervisor", "supervisor"};
enum { N_USERS = 5 };
static char tokens[N_USERS][PD_TOKEN_LEN];

struct ids {
  char (*v)[ST_ID_MAX];
  int n;
};
static struct ids accounts, requests, holds;

static void die(const char *what) {
  fprintf(stderr, "fuzz_server: %s\n", what);
  exit(1);
}

static void load_ids(sqlite3 *db, const char *sql, struct ids *out) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) {
    out->v = realloc(out->v, (size_t)(out->n + 1) * sizeof *out->v);
    if (!out->v) die("out of memory");
    snprintf(out->v[out->n++], ST_ID_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  if (out->n == 0) die("the seeded database lacks accounts, requests or holds");
}

static void list_seeded(sqlite3 *db) {
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db,
                     "SELECT r.id, r.type, r.status, r.identity_verified, r.extended, a.status FROM requests r"
                     " JOIN accounts a ON a.pk = r.account_pk ORDER BY r.pk", -1, &st, NULL);
  for (int i = 0; sqlite3_step(st) == SQLITE_ROW; i++)
    printf("@req%d %s %s %s verified=%d extended=%d account=%s\n", i, sqlite3_column_text(st, 0),
           sqlite3_column_text(st, 1), sqlite3_column_text(st, 2), sqlite3_column_int(st, 3),
           sqlite3_column_int(st, 4), sqlite3_column_text(st, 5));
  sqlite3_finalize(st);
  sqlite3_prepare_v2(db, "SELECT id, status, categories FROM holds ORDER BY pk", -1, &st, NULL);
  for (int i = 0; sqlite3_step(st) == SQLITE_ROW; i++)
    printf("@hld%d %s %s %s\n", i, sqlite3_column_text(st, 0), sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
  sqlite3_finalize(st);
}

static void cleanup(void) {
  if (!dir[0]) return;
  server_free(srv);
  store_close(store);
  sqlite3_close(pristine);
  char path[4200];
  const char *files[] = {"fuzz.db", "fuzz.db-wal", "fuzz.db-shm"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (sodium_init() < 0) die("libsodium failed to initialise");
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/pd-fuzz-server.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) die("mkdtemp failed");
  atexit(cleanup);
  char path[4200], err[512];
  snprintf(path, sizeof path, "%s/fuzz.db", dir);
  store = store_open(path, 0, err, sizeof err);
  if (!store) die(err);
  /* 2026-11-02T00:00:00Z: a fixed reference time, so the data is always the same */
  struct seed_opts o = {.accounts = 120, .requests = 60, .seed = 5, .now = 1793577600};
  if (seed_run(store, &o) != 0) die("seeding failed");
  struct sqlite_conn *c = sqlite_conn_of(store_conn_get(store));
  for (int i = 0; i < N_USERS; i++) {
    /* fixed tokens: reproducible inputs */
    unsigned char hash[32];
    snprintf(tokens[i], sizeof tokens[i], "pdt_fuzz-%s-0123456789abcdefghijklmnopqrstuvw", user_names[i]);
    token_hash(tokens[i], strlen(tokens[i]), hash);
    if (store_user_add(&c->base, user_names[i], (enum pd_role)pd_role_parse(user_roles[i]), hash, o.now) != ST_OK)
      die("adding a user failed");
  }
  if (store_user_revoke(&c->base, "rex", o.now) != ST_OK) die("revoking rex failed");
  load_ids(c->db, "SELECT id FROM accounts ORDER BY pk", &accounts);
  load_ids(c->db, "SELECT id FROM requests ORDER BY pk", &requests);
  load_ids(c->db, "SELECT id FROM holds ORDER BY pk", &holds);
  if (getenv("PD_FUZZ_SERVER_LIST")) list_seeded(c->db);
  /* No fsync per write while fuzzing: durability is not what is tested here. */
  if (sqlite3_exec(c->db, "PRAGMA synchronous=OFF", NULL, NULL, NULL) != SQLITE_OK) die("PRAGMA synchronous failed");
  /* keep the seeded state in memory, to put it back before every input */
  if (sqlite3_open(":memory:", &pristine) != SQLITE_OK) die("sqlite3_open :memory: failed");
  sqlite3_backup *b = sqlite3_backup_init(pristine, "main", c->db, "main");
  if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) die("backup of the seeded database failed");
  sqlite3_backup_finish(b);
  srv = server_new(store, 0);
  if (!srv) die("server_new failed");
  return 0;
}

/* Puts the seeded database back. */
static void reset_store(void) {
  struct sqlite_conn *c = sqlite_conn_of(store_conn_get(store));
  for (sqlite3_stmt *st = sqlite3_next_stmt(c->db, NULL); st; st = sqlite3_next_stmt(c->db, st)) sqlite3_reset(st);
  if (!sqlite3_get_autocommit(c->db)) abort(); /* a transaction was left open */
  sqlite3_backup *b = sqlite3_backup_init(c->db, "main", pristine, "main");
  if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) abort();
  sqlite3_backup_finish(b);
  /* The backup moves neither PRAGMA data_version nor the connection's change
   * count, so the server's response cache could answer from an earlier
   * input: a new server starts with none, and each input stands alone. */
  server_free(srv);
  srv = server_new(store, 0);
  if (!srv) abort();
}

/* ---- decoding an input ---- */

struct buf {
  char *p;
  size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p) abort();
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

/* Looks up a column of the resource with id in its table. */
static bool lookup(const char *sql, const char *id, char *out, size_t outsz) {
  struct sqlite_conn *c = sqlite_conn_of(store_conn_get(store));
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) return false;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  bool found = sqlite3_step(st) == SQLITE_ROW;
  if (found) snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return found;
}

/* The first acc_/req_/hld_ id in the path. */
static bool path_id(const char *path, char id[ST_ID_MAX]) {
  for (const char *p = path; *p; p++) {
    if ((strncmp(p, "acc_", 4) == 0 || strncmp(p, "req_", 4) == 0 || strncmp(p, "hld_", 4) == 0) &&
        (p == path || p[-1] == '/')) {
      size_t n = strcspn(p, "/?");
      if (n >= ST_ID_MAX) n = ST_ID_MAX - 1;
      memcpy(id, p, n);
      id[n] = '\0';
      return true;
    }
  }
  return false;
}

/* Replaces the placeholders of s[0..n) into out. path: for @cur and @confirm. */
static void expand(struct buf *out, const char *s, size_t n, const char *path) {
  size_t i = 0;
  while (i < n) {
    if (s[i] != '@') {
      size_t j = i;
      while (j < n && s[j] != '@') j++;
      put(out, s + i, j - i);
      i = j;
      continue;
    }
    const char *rest = s + i + 1;
    size_t left = n - i - 1;
    bool done = false;
    for (int u = 0; u < N_USERS && !done; u++) {
      size_t k = strlen(user_names[u]);
      if (left >= k && memcmp(rest, user_names[u], k) == 0) {
        put(out, tokens[u], strlen(tokens[u]));
        i += 1 + k;
        done = true;
      }
    }
    static const char *const kinds[] = {"acc", "req", "hld"};
    struct ids *lists[] = {&accounts, &requests, &holds};
    for (int k = 0; k < 3 && !done; k++) {
      if (left >= 4 && memcmp(rest, kinds[k], 3) == 0 && isdigit((unsigned char)rest[3])) {
        size_t j = 3;
        unsigned long idx = 0;
        while (j < left && j < 9 && isdigit((unsigned char)rest[j])) idx = idx * 10 + (unsigned long)(rest[j++] - '0');
        const char *id = lists[k]->v[idx % (unsigned long)lists[k]->n];
        put(out, id, strlen(id));
        i += 1 + j;
        done = true;
      }
    }
    char id[ST_ID_MAX], value[512];
    if (!done && left >= 3 && memcmp(rest, "cur", 3) == 0) {
      bool found = path && path_id(path, id) &&
                   lookup(strncmp(id, "acc_", 4) == 0   ? "SELECT version FROM accounts WHERE id = ?"
                          : strncmp(id, "req_", 4) == 0 ? "SELECT version FROM requests WHERE id = ?"
                                                        : "SELECT version FROM holds WHERE id = ?",
                          id, value, sizeof value);
      put(out, "\"", 1);
      put(out, found ? value : "0", strlen(found ? value : "0"));
      put(out, "\"", 1);
      i += 4;
      done = true;
    }
    if (!done && left >= 7 && memcmp(rest, "confirm", 7) == 0) {
      bool found = path && path_id(path, id) &&
                   lookup(strncmp(id, "req_", 4) == 0
                              ? "SELECT a.email FROM requests r JOIN accounts a ON a.pk = r.account_pk WHERE r.id = ?"
                              : "SELECT email FROM accounts WHERE id = ?",
                          id, value, sizeof value);
      if (found) put(out, value, strlen(value));
      i += 8;
      done = true;
    }
    if (!done) {
      put(out, "@", 1);
      i++;
    }
  }
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decodes s in place the way libmicrohttpd does (a % without two hex
 * digits stays; "+" becomes a space in the query only). A decoded NUL ends
 * the string, as it would in the server. */
static void unescape(char *s, bool plus) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (plus && *r == '+') {
      *w++ = ' ';
    } else if (*r == '%' && hexval(r[1]) >= 0 && hexval(r[2]) >= 0) {
      *w++ = (char)(hexval(r[1]) * 16 + hexval(r[2]));
      r += 2;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

static void check_response(const struct http_response *resp) {
  if (!resp) abort();
  if (resp->status < 200 || resp->status >= 500) {
    fprintf(stderr, "fuzz_server: HTTP %d: %.600s\n", resp->status, resp->body);
    abort();
  }
  if (!resp->body || strlen(resp->body) != resp->body_len) abort();
  bool has_type = false;
  for (int i = 0; i < resp->n_headers; i++) {
    const char *v = resp->headers[i].value;
    if (!v || !*v || strpbrk(v, "\r\n")) abort(); /* no header injection */
    has_type |= strcasecmp(resp->headers[i].name, "Content-Type") == 0;
  }
  if ((resp->body_len || resp->status >= 400) && !has_type) abort();
  if (resp->status >= 400) {
    /* every problem is application/problem+json with a matching status */
    json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
    if (!j || json_integer_value(json_object_get(j, "status")) != resp->status ||
        !json_is_string(json_object_get(j, "code")))
      abort();
    json_decref(j);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  const char *nl = memchr(s, '\n', size);
  size_t line_len = nl ? (size_t)(nl - s) : size;
  size_t pos = nl ? line_len + 1 : size;
  /* request line */
  struct buf line = {0};
  put(&line, s, line_len);
  if (line.len && line.p[line.len - 1] == '\r') line.p[--line.len] = '\0';
  if (strlen(line.p) != line.len) { /* a NUL in the request line: no HTTP server passes that on */
    free(line.p);
    return 0;
  }
  char *sp = strchr(line.p, ' ');
  const char *method = line.p;
  const char *target = sp ? sp + 1 : "/";
  if (sp) *sp = '\0';
  /* headers, until an empty line */
  struct buf hv[6] = {{0}};
  bool have[6] = {false};
  static const char *const names[6] = {"Authorization", "If-Match", "If-None-Match", "Idempotency-Key",
                                       "Content-Type", "Content-Length"};
  while (pos < size) {
    const char *h = s + pos;
    const char *e = memchr(h, '\n', size - pos);
    size_t n = e ? (size_t)(e - h) : size - pos;
    pos += e ? n + 1 : n;
    if (n && h[n - 1] == '\r') n--;
    if (n == 0) break;
    const char *colon = memchr(h, ':', n);
    if (!colon || memchr(h, '\0', n)) continue;
    size_t name_len = (size_t)(colon - h);
    const char *v = colon + 1;
    size_t vlen = n - name_len - 1;
    while (vlen && (*v == ' ' || *v == '\t')) v++, vlen--;
    for (int i = 0; i < 6; i++) {
      if (strlen(names[i]) == name_len && strncasecmp(h, names[i], name_len) == 0 && !have[i]) {
        have[i] = true;
        put(&hv[i], "", 0);
        expand(&hv[i], v, vlen, NULL); /* @cur / @confirm need the path: done below */
      }
    }
  }
  /* path and query, placeholders first, then percent-decoding */
  struct buf t = {0};
  put(&t, "", 0);
  expand(&t, target, strlen(target), NULL);
  char *q = strchr(t.p, '?');
  if (q) *q++ = '\0';
  char *path = t.p;
  unescape(path, false);
  struct query_param params[64];
  int n_params = 0;
  for (char *p = q; p && *p && n_params < 64;) {
    char *amp = strchr(p, '&');
    if (amp) *amp = '\0';
    if (*p) {
      char *eq = strchr(p, '=');
      if (eq) {
        *eq = '\0';
        unescape(eq + 1, true);
      }
      unescape(p, true);
      params[n_params++] = (struct query_param){p, eq ? eq + 1 : NULL};
    }
    p = amp ? amp + 1 : NULL;
  }
  /* @cur and @confirm, now that the path is known */
  struct buf if_match = {0}, body = {0};
  if (have[1]) {
    put(&if_match, "", 0);
    expand(&if_match, hv[1].p, hv[1].len, path);
  }
  put(&body, "", 0);
  expand(&body, s + pos, size - pos, path);

  reset_store();
  struct http_input in = {.method = method,
                          .path = path,
                          .query = params,
                          .n_query = n_params,
                          .authorization = have[0] ? hv[0].p : NULL,
                          .if_match = have[1] ? if_match.p : NULL,
                          .if_none_match = have[2] ? hv[2].p : NULL,
                          .idempotency_key = have[3] ? hv[3].p : NULL,
                          .content_type = have[4] ? hv[4].p : NULL,
                          .content_length = have[5] ? hv[5].p : NULL,
                          .body = body.p,
                          .body_len = body.len};
  struct http_response *resp = http_process(srv, &in);
  check_response(resp);
  /* the same request again: an idempotent replay or a deterministic answer, never a 5xx */
  if (have[3]) {
    struct http_response *again = http_process(srv, &in);
    check_response(again);
    http_response_free(again);
  }
  http_response_free(resp);
  free(line.p);
  for (int i = 0; i < 6; i++) free(hv[i].p);
  free(t.p);
  free(if_match.p);
  free(body.p);
  return 0;
}
