/* Deterministic demo and test data: `privdeskd seed`. The same seed and the
 * same reference time always give the same database. */
#include "server/seed.h"
#include "server/seed_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server/domain/audit_hash.h"
#include "server/domain/dates.h"
#include "server/domain/deadline.h"
#include "server/domain/erasure.h"
#include "server/export.h"
#include "server/ids.h"
#include "server/seed_names.h"

void event_add(struct events *ev, int64_t at, const char *actor, const char *action, const char *target,
                      const char *account_id, json_t *details) {
  if (ev->n == ev->cap) {
    ev->cap = ev->cap ? ev->cap * 2 : 1024;
    struct event *grown = realloc(ev->v, ev->cap * sizeof *grown);
    if (!grown) abort();
    ev->v = grown;
  }
  struct event *e = &ev->v[ev->n++];
  e->at = at;
  e->actor = actor;
  e->action = action;
  snprintf(e->target, sizeof e->target, "%s", target);
  snprintf(e->account_id, sizeof e->account_id, "%s", account_id ? account_id : "");
  e->details = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(details);
}

static int event_cmp(const void *a, const void *b) {
  const struct event *x = a, *y = b;
  if (x->at != y->at) return x->at < y->at ? -1 : 1;
  return strcmp(x->target, y->target);
}

const char *const seed_staff[3] = {"alice", "bob", "sam"};

/* ---- accounts and inventory ---- */

static const char *account_name(struct gen *g, int i, char *buf, size_t bufsz, const char **handle_first,
                                const char **handle_last) {
  const struct seed_name *f = &seed_first_names[rng_below(&g->rng, seed_first_count)];
  const struct seed_name *l = &seed_last_names[rng_below(&g->rng, seed_last_count)];
  *handle_first = f->handle;
  *handle_last = l->handle;
  /* Every 50th account has a hostile name, so that 1000 accounts (the default)
   * already show each of them once. */
  if (i % 50 == 7) return seed_hostile_names[(size_t)(i / 50) % seed_hostile_count];
  snprintf(buf, bufsz, "%s %s", f->display, l->display);
  return buf;
}

static void seed_inventory(struct gen *g, const struct seeded_account *a) {
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    struct st_inventory_row row = {.category = (enum pd_category)c, .state = PD_INV_PRESENT};
    bool has = c == PD_CAT_EMAIL || c == PD_CAT_PROFILE || rng_chance(&g->rng, 75);
    if (has) {
      row.records = c == PD_CAT_EMAIL || c == PD_CAT_PROFILE ? 1 : rng_between(&g->rng, 1, 5000);
      row.bytes = row.records * rng_between(&g->rng, 64, 2048);
      row.oldest = rng_between(&g->rng, a->created_at, g->now - DAY);
      row.newest = rng_between(&g->rng, row.oldest, g->now);
      if (pd_category((enum pd_category)c)->legal_retention_years > 0) {
        pd_date d = pd_date_of(row.newest);
        d.year += pd_category((enum pd_category)c)->legal_retention_years;
        if (d.month == 2 && d.day == 29 && !pd_is_leap_year(d.year)) d.day = 28;
        row.retained_until = pd_start_of_day(d);
      }
    }
    store_inventory_put(g->db, a->rowid, &row);
  }
}

static int seed_accounts(struct gen *g, int count) {
  g->accounts = calloc((size_t)count, sizeof *g->accounts);
  if (!g->accounts) return -1;
  for (int i = 0; i < count; i++) {
    struct seeded_account *sa = &g->accounts[i];
    char name[512], email[256];
    const char *hf, *hl;
    struct st_account a = {.status = PD_ACC_ACTIVE, .analytics_enabled = true, .version = 1};
    rng_id(&g->rng, a.id, "acc_");
    a.name = account_name(g, i, name, sizeof name, &hf, &hl);
    const char *domain = seed_domains[rng_below(&g->rng, seed_domain_count)];
    snprintf(email, sizeof email, i % 40 == 3 ? "%s.%s%d@Example.COM" : "%s.%s%d@%s", hf, hl, i, domain);
    if (i % 40 == 3) email[0] = (char)(email[0] - 'a' + 'A'); /* some mixed case, for case-insensitive search */
    a.email = email;
    uint64_t j = rng_below(&g->rng, 100);
    a.jurisdiction = j < 50 ? PD_JUR_EU : j < 75 ? PD_JUR_US_CA : PD_JUR_OTHER;
    a.created_at = g->now - rng_between(&g->rng, 30 * DAY, 1500 * DAY);
    a.is_minor = rng_chance(&g->rng, 2);
    a.analytics_enabled = !rng_chance(&g->rng, 12);
    a.marketing_consent = rng_chance(&g->rng, 30);
    if (a.marketing_consent) a.marketing_consent_at = rng_between(&g->rng, a.created_at, g->now);
    if (rng_chance(&g->rng, 4)) {
      a.status = PD_ACC_CLOSED;
      a.closed_at = rng_between(&g->rng, a.created_at, g->now);
    }
    a.updated_at = a.closed_at ? a.closed_at : a.created_at;
    if (store_account_insert(g->db, &a) != ST_OK) {
      fprintf(stderr, "privdeskd: seed: could not insert account %d\n", i);
      return -1;
    }
    sa->rowid = a.rowid;
    snprintf(sa->id, sizeof sa->id, "%s", a.id);
    sa->jurisdiction = a.jurisdiction;
    sa->created_at = a.created_at;
    sa->hold = -1;
    seed_inventory(g, sa);
  }
  g->n_accounts = count;
  return 0;
}

/* ---- holds ---- */

static int seed_holds(struct gen *g) {
  static const char *const sets[][3] = {
    {"*", NULL, NULL}, {"transactions", "payment_methods", NULL}, {"usage_logs", "error_reports", NULL},
    {"support_tickets", NULL, NULL}, {"email", "profile", NULL},
  };
  int want = g->n_accounts / 60 + 1;
  g->holds = calloc((size_t)want, sizeof *g->holds);
  if (!g->holds) return -1;
  for (int k = 0; k < want; k++) {
    struct seeded_account *sa = &g->accounts[(size_t)k * 60 % (size_t)g->n_accounts];
    if (sa->hold >= 0) continue;
    struct seeded_hold *sh = &g->holds[g->n_holds];
    rng_id(&g->rng, sh->id, "hld_");
    const char *const *set = sets[rng_below(&g->rng, 5)];
    json_t *cats = json_array();
    const char *keys[3];
    int n = 0;
    for (int i = 0; i < 3 && set[i]; i++) {
      json_array_append_new(cats, json_string(set[i]));
      keys[n++] = set[i];
    }
    pd_hold_categories_parse(keys, n, &sh->all, &sh->mask);
    sh->active = !rng_chance(&g->rng, 25);
    char *cats_text = json_dumps(cats, JSON_COMPACT);
    char case_ref[32], reason[128];
    snprintf(case_ref, sizeof case_ref, "DSP-%04d", 1000 + k);
    snprintf(reason, sizeof reason, "%s", rng_chance(&g->rng, 50) ? "Chargeback dispute with the card issuer"
                                                                   : "Customer disputes an invoice; legal review");
    struct st_hold h = {.account_rowid = sa->rowid, .reason = reason, .case_ref = case_ref, .categories = cats_text,
                        .placed_by = "sam", .placed_at = rng_between(&g->rng, sa->created_at, g->now - 2 * DAY),
                        .status = sh->active ? PD_HOLD_ACTIVE : PD_HOLD_RELEASED, .version = 1};
    snprintf(h.id, sizeof h.id, "%s", sh->id);
    if (!sh->active) {
      h.released_by = "sam";
      h.released_at = rng_between(&g->rng, h.placed_at + DAY, g->now);
      h.release_reason = "Dispute resolved in the customer's favour";
      h.version = 2;
    }
    int rc = store_hold_insert(g->db, &h);
    event_add(&g->events, h.placed_at, "sam", "hold.place", h.id, sa->id,
              json_pack("{ss ss sO}", "case_ref", case_ref, "reason", reason, "categories", cats));
    if (!sh->active)
      event_add(&g->events, h.released_at, "sam", "hold.release", h.id, sa->id,
                json_pack("{ss}", "reason", h.release_reason));
    json_decref(cats);
    free(cats_text);
    if (rc != ST_OK) return -1;
    if (sh->active) sa->hold = g->n_holds;
    g->n_holds++;
  }
  return 0;
}

int seed_run(struct store *s, const struct seed_opts *o) {
  struct gen g = {.db = store_conn_get(s), .rng = {o->seed}, .now = o->now};
  if (!g.db) return 1;
  arena_init(&g.scratch);
  struct st_account_query probe = {.limit = 1};
  struct st_account *items;
  int n;
  bool more;
  if (store_accounts_list(g.db, &g.scratch, &probe, &items, &n, &more) != ST_OK) return 1;
  if (n > 0) {
    fprintf(stderr, "privdeskd: seed: the database already has accounts; seed a new file\n");
    return 1;
  }
  store_set_bulk_mode(g.db, true);
  int rc = 1;
  if (store_begin_write(g.db) != ST_OK) goto out;
  if (seed_accounts(&g, o->accounts) || seed_holds(&g) || seed_requests(&g, o->requests)) {
    store_rollback(g.db);
    goto out;
  }
  qsort(g.events.v, g.events.n, sizeof *g.events.v, event_cmp);
  for (size_t i = 0; i < g.events.n; i++) {
    struct event *e = &g.events.v[i];
    struct st_audit_entry a = {.at = e->at, .actor = e->actor, .action = e->action, .target = e->target,
                               .account_id = e->account_id[0] ? e->account_id : NULL, .details = e->details};
    if (store_audit_append(g.db, &a) != ST_OK) {
      store_rollback(g.db);
      goto out;
    }
  }
  json_t *summary = json_pack("{si si sI}", "accounts", o->accounts, "requests", o->requests, "seed",
                              (json_int_t)o->seed);
  char *details = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(summary);
  struct st_audit_entry fin = {.at = g.now, .actor = "seed", .action = "seed.generate", .target = "database",
                               .details = details};
  int arc = store_audit_append(g.db, &fin);
  free(details);
  if (arc != ST_OK || store_commit(g.db) != ST_OK) goto out;
  rc = 0;
out:
  store_set_bulk_mode(g.db, false);
  for (size_t i = 0; i < g.events.n; i++) free(g.events.v[i].details);
  free(g.events.v);
  free(g.accounts);
  free(g.holds);
  arena_free(&g.scratch);
  return rc;
}
