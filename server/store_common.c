/* Helpers shared by the store implementations (store_common.h). */
#include "server/store_common.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/domain/audit_hash.h"

char *st_audit_canonical(const struct st_audit_entry *e) {
  json_error_t err;
  json_t *details = json_loads(e->details ? e->details : "{}", JSON_DECODE_ANY, &err);
  if (!details) details = json_string(e->details);
  json_t *o = json_pack("{sI sI ss ss ss so* so}", "seq", (json_int_t)e->seq, "at", (json_int_t)e->at,
                        "actor", e->actor, "action", e->action, "target", e->target, "account_id",
                        e->account_id ? json_string(e->account_id) : json_null(), "details", details);
  if (!o) return NULL;
  char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  json_decref(o);
  return text;
}

bool st_audit_seal(struct st_audit_entry *e) {
  char *canonical = st_audit_canonical(e);
  if (!canonical) return false;
  pd_audit_hash(e->prev_hash, canonical, strlen(canonical), e->hash);
  free(canonical);
  return true;
}

void st_audit_walk_start(struct st_audit_walk *w, struct st_audit_verify *out) {
  memset(out, 0, sizeof *out);
  out->ok = true;
  memcpy(out->head, pd_audit_genesis, sizeof out->head);
  memcpy(w->expected_prev, pd_audit_genesis, sizeof w->expected_prev);
  w->expected_seq = 1;
}

void st_audit_walk_step(struct st_audit_walk *w, struct st_audit_verify *out, const struct st_audit_entry *e) {
  out->entries++;
  if (out->ok) {
    char hash[65];
    char *canonical = st_audit_canonical(e);
    if (canonical) pd_audit_hash(e->prev_hash, canonical, strlen(canonical), hash);
    bool good = canonical && e->seq == w->expected_seq && strcmp(e->prev_hash, w->expected_prev) == 0 &&
                strcmp(hash, e->hash) == 0;
    free(canonical);
    if (!good) {
      out->ok = false;
      out->first_bad_seq = e->seq;
    }
    memcpy(w->expected_prev, e->hash, sizeof w->expected_prev);
  }
  memcpy(out->head, e->hash, sizeof out->head);
  w->expected_seq = e->seq + 1;
}

void st_accounts_merge(struct arena *a, const struct st_account *by_email, int n_email,
                       const struct st_account *by_name, int n_name, int limit, struct st_account **items,
                       int *n, bool *more) {
  struct st_account *merged = arena_alloc(a, sizeof *merged * (size_t)(n_email + n_name + 1));
  int i = 0, j = 0, k = 0;
  while ((i < n_email || j < n_name) && k <= limit) {
    int cmp = i >= n_email ? 1 : j >= n_name ? -1 : strcasecmp(by_email[i].email, by_name[j].email);
    if (cmp == 0) j++; /* the same account matched both ways */
    merged[k++] = cmp <= 0 ? by_email[i++] : by_name[j++];
  }
  *items = merged;
  *more = k > limit;
  *n = k > limit ? limit : k;
}

void st_sql_add(struct st_sql_buf *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 1 > sizeof b->text) {
    b->overflow = true;
    return;
  }
  memcpy(b->text + b->len, s, n + 1);
  b->len += n;
}

void st_sql_in_list(struct st_sql_buf *b, const char *column, unsigned mask, int count, const char *(*name)(int)) {
  st_sql_add(b, " AND ");
  st_sql_add(b, column);
  st_sql_add(b, " IN (");
  bool first = true;
  for (int i = 0; i < count; i++) {
    if (!(mask & (1u << i))) continue;
    if (!first) st_sql_add(b, ",");
    st_sql_add(b, "'");
    st_sql_add(b, name(i)); /* names come from the vocabulary, never from input */
    st_sql_add(b, "'");
    first = false;
  }
  st_sql_add(b, ")");
}

const char *st_status_name(int i) { return pd_status_name((enum pd_status)i); }
const char *st_type_name(int i) { return pd_request_type_name((enum pd_request_type)i); }
