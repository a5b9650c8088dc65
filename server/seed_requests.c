/* Seeding rights requests: every status, both regimes, deadlines overdue, due
 * today and far off, extensions, urgent erasures, and completed erasures whose
 * accounts keep legally retained or held data. */
#include <stdio.h>
#include <stdlib.h>

#include "server/domain/dates.h"
#include "server/domain/deadline.h"
#include "server/export.h"
#include "server/seed_int.h"

static enum pd_status pick_status(struct gen *g) {
  uint64_t p = rng_below(&g->rng, 100);
  return p < 15 ? PD_ST_NEW
       : p < 25 ? PD_ST_VERIFYING
       : p < 45 ? PD_ST_IN_PROGRESS
       : p < 55 ? PD_ST_WAITING
       : p < 90 ? PD_ST_COMPLETED
                : PD_ST_REJECTED;
}

static enum pd_request_type pick_type(struct gen *g) {
  uint64_t p = rng_below(&g->rng, 100);
  return p < 35 ? PD_TYPE_ACCESS : p < 70 ? PD_TYPE_ERASURE : p < 85 ? PD_TYPE_RECTIFICATION : PD_TYPE_OBJECTION;
}

/* A receipt date whose (unextended) deadline is today, when one exists. */
static bool received_for_due_today(struct gen *g, enum pd_regime regime, int64_t *out) {
  pd_date today = pd_date_of(g->now);
  for (int back = 25; back <= 50; back++) {
    pd_date d = pd_date_add_days(today, -back);
    if (pd_date_cmp(pd_due_date(regime, d, false), today) == 0) {
      *out = pd_start_of_day(d) + rng_between(&g->rng, 8 * 3600, 18 * 3600);
      return true;
    }
  }
  return false;
}

/* The statuses a request passed through to reach `status`, in order. */
static int path_to(enum pd_status status, enum pd_status path[6]) {
  int n = 0;
  path[n++] = PD_ST_NEW;
  if (status == PD_ST_NEW) return n;
  path[n++] = PD_ST_VERIFYING;
  if (status == PD_ST_VERIFYING) return n;
  if (status == PD_ST_REJECTED) {
    path[n++] = PD_ST_REJECTED;
    return n;
  }
  path[n++] = PD_ST_IN_PROGRESS;
  if (status == PD_ST_WAITING) path[n++] = PD_ST_WAITING;
  if (status == PD_ST_COMPLETED) path[n++] = PD_ST_COMPLETED;
  return n;
}

static void add_event(struct gen *g, int64_t rowid, int64_t at, const char *actor, const char *kind,
                      const char *text, const char *from, const char *to) {
  struct st_timeline_event e = {.at = at, .actor = actor, .kind = kind, .text = text, .from = from, .to = to};
  store_timeline_add(g->db, rowid, &e);
}

/* Applies a completed erasure to the seeded account: held categories and
 * unexpired transactions stay, the rest goes. Returns the result JSON. */
static json_t *apply_erasure(struct gen *g, struct seeded_account *sa, int64_t at) {
  struct st_inventory_row rows[PD_CATEGORY_COUNT];
  json_t *erased = json_array(), *retained = json_array();
  if (store_inventory_get(g->db, &g->scratch, sa->rowid, rows) != ST_OK) return NULL;
  const struct seeded_hold *h = sa->hold >= 0 ? &g->holds[sa->hold] : NULL;
  bool email_gone = false, profile_gone = false;
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    struct st_inventory_row *row = &rows[c];
    bool held = h && (h->all || (h->mask & (1u << c)));
    bool legal = row->retained_until > at && row->records > 0;
    if (held || legal) {
      json_t *because = json_array();
      if (held) json_array_append_new(because, json_sprintf("hold:%s", h->id));
      if (legal) json_array_append_new(because, json_string("legal:tax"));
      row->state = PD_INV_RETAINED;
      char *text = json_dumps(because, JSON_COMPACT);
      row->retained_because = text;
      store_inventory_put(g->db, sa->rowid, row);
      free(text);
      char until[PD_DATE_LEN];
      json_array_append_new(retained, json_pack("{ss so so}", "key", pd_category_key((enum pd_category)c), "because",
                                                because, "until",
                                                legal ? json_string(pd_format_date(pd_date_of(row->retained_until), until))
                                                      : json_null()));
    } else {
      *row = (struct st_inventory_row){.category = (enum pd_category)c, .state = PD_INV_ERASED};
      store_inventory_put(g->db, sa->rowid, row);
      json_array_append_new(erased, json_string(pd_category_key((enum pd_category)c)));
      email_gone |= c == PD_CAT_EMAIL;
      profile_gone |= c == PD_CAT_PROFILE;
    }
  }
  struct st_account acc;
  if (store_account_by_rowid(g->db, &g->scratch, sa->rowid, &acc) == ST_OK) {
    if (email_gone) acc.email = arena_printf(&g->scratch, "erased+%s@invalid", acc.id);
    if (profile_gone) acc.name = "";
    acc.status = json_array_size(retained) ? PD_ACC_CLOSED : PD_ACC_ERASED;
    acc.closed_at = at;
    acc.marketing_consent = false;
    acc.analytics_enabled = false;
    acc.version++;
    acc.updated_at = at;
    store_account_update(g->db, &acc);
  }
  sa->erased = true;
  return json_pack("{so so ss}", "erased", erased, "retained", retained, "account_status",
                   json_array_size(retained) ? "closed" : "erased");
}

/* A completed access request gets its export bundle, as a real completion would. */
static int attach_export(struct gen *g, struct st_request *q) {
  char *text = export_build(g->db, &g->scratch, q, q->status_since);
  if (!text) return -1;
  json_t *result = json_pack("{ss si sI}", "export", arena_printf(&g->scratch, "/v1/requests/%s/export", q->id),
                             "categories", PD_CATEGORY_COUNT, "bytes", (json_int_t)strlen(text));
  char *result_text = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(result);
  q->result = result_text;
  int rc = store_export_put(g->db, q->rowid, text);
  if (rc == ST_OK) rc = store_request_update(g->db, q);
  free(text);
  free(result_text);
  q->result = NULL;
  return rc == ST_OK ? 0 : -1;
}

static const char *rectified_value(struct gen *g, bool email, char *buf, size_t n, int j) {
  if (email)
    snprintf(buf, n, "new.address%d@example.com", j);
  else
    snprintf(buf, n, "%s", rng_chance(&g->rng, 50) ? "Ana María García" : "Jörg Müller-Lüdenscheidt");
  return buf;
}

static struct seeded_account *pick_account(struct gen *g, enum pd_request_type type) {
  for (int tries = 0; tries < 50; tries++) {
    struct seeded_account *sa;
    if (type == PD_TYPE_ERASURE && g->n_holds && rng_chance(&g->rng, 20)) {
      const struct seeded_hold *h = &g->holds[rng_below(&g->rng, (uint64_t)g->n_holds)];
      sa = NULL;
      for (int i = 0; i < g->n_accounts && !sa; i += 60)
        if (g->accounts[i].hold >= 0 && &g->holds[g->accounts[i].hold] == h) sa = &g->accounts[i];
      if (!sa) sa = &g->accounts[rng_below(&g->rng, (uint64_t)g->n_accounts)];
    } else {
      sa = &g->accounts[rng_below(&g->rng, (uint64_t)g->n_accounts)];
    }
    if (!sa->erased) return sa;
  }
  return NULL;
}

static int seed_one(struct gen *g, int j) {
  enum pd_request_type type = pick_type(g);
  struct seeded_account *sa = pick_account(g, type);
  if (!sa) return 0;
  enum pd_status status = pick_status(g);
  bool open = pd_status_is_open(status);
  struct st_request q = {.account_rowid = sa->rowid, .type = type, .status = status, .version = 1};
  rng_id(&g->rng, q.id, "req_");
  q.regime = sa->jurisdiction == PD_JUR_US_CA ? PD_REGIME_CCPA : PD_REGIME_GDPR;
  q.priority = rng_chance(&g->rng, type == PD_TYPE_ERASURE ? 25 : 5) ? PD_PRIO_URGENT : PD_PRIO_NORMAL;
  /* open requests are recent (some overdue), closed ones older */
  q.received_at = open ? g->now - rng_between(&g->rng, 0, 50 * DAY) : g->now - rng_between(&g->rng, 20 * DAY, 400 * DAY);
  if (open && j % 23 == 0) received_for_due_today(g, q.regime, &q.received_at);
  if (q.received_at < sa->created_at + DAY) q.received_at = sa->created_at + DAY;
  if (q.received_at > g->now) q.received_at = g->now - 3600;
  int64_t first_due = pd_due_at(q.regime, q.received_at, false);
  q.extended = open && j % 11 == 0 && g->now > q.received_at + 5 * DAY;
  if (q.extended) q.extension_reason = "Complex request: several systems must be searched";
  q.due_at = pd_due_at(q.regime, q.received_at, q.extended);
  q.ack_due_at = pd_ack_due_at(q.regime, q.received_at);
  if (status != PD_ST_NEW) {
    int64_t latest = g->now < first_due ? g->now : first_due;
    q.acknowledged_at = rng_between(&g->rng, q.received_at + 600, q.received_at + 3 * DAY);
    if (q.acknowledged_at > latest) q.acknowledged_at = q.received_at + 600;
  }
  int64_t since_floor = q.acknowledged_at ? q.acknowledged_at : q.received_at;
  int64_t since_ceiling = open ? g->now : (first_due < g->now ? first_due : g->now);
  q.status_since = rng_between(&g->rng, since_floor, since_ceiling > since_floor ? since_ceiling : since_floor + 1);
  q.identity_verified = status == PD_ST_IN_PROGRESS || status == PD_ST_WAITING || status == PD_ST_COMPLETED ||
                        (status == PD_ST_VERIFYING && rng_chance(&g->rng, 30));
  if (q.identity_verified) q.identity_method = rng_chance(&g->rng, 60) ? "email_link" : "document";
  if (status != PD_ST_NEW || rng_chance(&g->rng, 40)) {
    uint64_t who = rng_below(&g->rng, 4);
    q.assignee = who < 3 ? seed_staff[who] : NULL;
  }
  char value[128];
  char *details = NULL;
  if (type == PD_TYPE_RECTIFICATION) {
    bool email = rng_chance(&g->rng, 30);
    json_t *d = json_pack("{ss ss}", "field", email ? "email" : "name", "value",
                          rectified_value(g, email, value, sizeof value, j));
    details = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
  } else if (type == PD_TYPE_OBJECTION) {
    json_t *d = json_pack("{ss}", "processing", rng_chance(&g->rng, 50) ? "analytics" : "marketing");
    details = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
  }
  q.details = details;
  json_t *result = NULL;
  if (status == PD_ST_COMPLETED) {
    if (!q.assignee) q.assignee = seed_staff[rng_below(&g->rng, 3)];
    switch (type) {
    case PD_TYPE_ERASURE: result = apply_erasure(g, sa, q.status_since); break;
    case PD_TYPE_ACCESS:
      result = json_pack("{ss si si}", "export", "", "categories", PD_CATEGORY_COUNT, "bytes", 0);
      break;
    case PD_TYPE_RECTIFICATION: result = json_pack("{ss}", "field", "name"); break;
    case PD_TYPE_OBJECTION: result = json_pack("{ss sb}", "processing", "analytics", "switched_off", 1); break;
    default: break;
    }
  } else if (status == PD_ST_REJECTED) {
    result = json_pack("{ss}", "reason", "The requester could not prove they hold the account");
  }
  char *result_text = result ? json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(result);
  q.result = result_text;
  q.created_at = q.received_at;
  q.updated_at = q.status_since;
  int rc = store_request_insert(g->db, &q);
  if (rc != ST_OK) {
    free(details);
    free(result_text);
    return rc == ST_CONFLICT ? 0 : -1;
  }

  /* timeline and audit trail along the path taken */
  add_event(g, q.rowid, q.received_at, "intake", "created", "request received by e-mail", NULL, NULL);
  event_add(&g->events, q.received_at, "intake", "request.create", q.id, sa->id,
            json_pack("{ss ss ss}", "type", pd_request_type_name(type), "regime", pd_regime_name(q.regime), "priority",
                      pd_priority_name(q.priority)));
  enum pd_status path[6];
  int steps = path_to(status, path);
  const char *actor = q.assignee ? q.assignee : "sam";
  int64_t t0 = q.acknowledged_at ? q.acknowledged_at : q.received_at;
  for (int s = 1; s < steps; s++) {
    int64_t at = t0 + (q.status_since - t0) * (s - 1) / (steps > 2 ? steps - 2 : 1);
    if (s == steps - 1) at = q.status_since;
    const char *from = pd_status_name(path[s - 1]), *to = pd_status_name(path[s]);
    const char *kind = path[s] == PD_ST_COMPLETED ? "completed" : path[s] == PD_ST_REJECTED ? "rejected" : "transition";
    char text[96];
    snprintf(text, sizeof text, "%s -> %s", from, to);
    add_event(g, q.rowid, at, actor, kind, text, from, to);
    const char *action = path[s] == PD_ST_COMPLETED ? "request.complete"
                       : path[s] == PD_ST_REJECTED  ? "request.reject"
                                                    : "request.transition";
    event_add(&g->events, at, actor, action, q.id, sa->id, json_pack("{ss ss}", "from", from, "to", to));
  }
  if (q.extended) add_event(g, q.rowid, q.received_at + 5 * DAY, actor, "extended", q.extension_reason, NULL, NULL);
  if (j % 7 == 0)
    add_event(g, q.rowid, q.status_since, actor, "note", "Customer replied; waiting for the billing team.", NULL,
              NULL);
  if (status == PD_ST_COMPLETED && type == PD_TYPE_ACCESS && attach_export(g, &q)) {
    free(details);
    free(result_text);
    return -1;
  }
  free(details);
  free(result_text);
  return 0;
}

int seed_requests(struct gen *g, int count) {
  for (int j = 0; j < count && g->n_accounts > 0; j++) {
    if (seed_one(g, j)) return -1;
    if (j % 512 == 511) { /* keep scratch memory flat */
      arena_free(&g->scratch);
      arena_init(&g->scratch);
    }
  }
  return 0;
}
