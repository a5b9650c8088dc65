/* Rights requests: the queue, opening a request, the detail, the export. */
#include <stdio.h>
#include <string.h>

#include "server/cursor.h"
#include "server/domain/dates.h"
#include "server/domain/deadline.h"
#include "server/ids.h"
#include "server/json_in.h"
#include "server/render_list.h"
#include "server/routes.h"
#include "server/service.h"

/* Parses a comma-separated list of names into a bit mask. */
static bool parse_mask(struct req *r, const char *param, int (*parse)(const char *), unsigned *mask) {
  const char *v = query_get(r, param);
  *mask = 0;
  if (!v) return true;
  char item[32];
  const char *p = v;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == 0 || n >= sizeof item) goto bad;
    memcpy(item, p, n);
    item[n] = '\0';
    int value = parse(item);
    if (value < 0) goto bad;
    *mask |= 1u << value;
    if (!comma) return true;
    p = comma + 1;
  }
bad:
  problem(r, PD_ERR_INVALID_INPUT, "%s has an unknown value", param);
  return false;
}

static unsigned open_mask(bool open) {
  unsigned m = 0;
  for (int s = 0; s < PD_STATUS_COUNT; s++)
    if (pd_status_is_open((enum pd_status)s) == open) m |= 1u << s;
  return m;
}

static int parse_status_name(const char *s) { return pd_status_parse(s); }
static int parse_type_name(const char *s) { return pd_request_type_parse(s); }

static const char *const sort_names[] = {"due_at", "-due_at", "received_at", "-received_at"};

static bool parse_queue_query(struct req *r, struct st_request_query *q) {
  memset(q, 0, sizeof *q);
  q->priority = -1;
  q->now = r->now;
  const char *status = query_get(r, "status");
  if (status && strcmp(status, "open") == 0)
    q->status_mask = open_mask(true);
  else if (status && strcmp(status, "closed") == 0)
    q->status_mask = open_mask(false);
  else if (!parse_mask(r, "status", parse_status_name, &q->status_mask))
    return false;
  if (!parse_mask(r, "type", parse_type_name, &q->type_mask)) return false;

  const char *assignee = query_get(r, "assignee");
  if (assignee) {
    if (strcmp(assignee, "me") == 0)
      q->assignee = r->user.name;
    else if (strcmp(assignee, "none") == 0)
      q->unassigned = true;
    else if (!*assignee || strlen(assignee) >= ST_NAME_MAX)
      return problem(r, PD_ERR_INVALID_INPUT, "assignee must be me, none or a user name"), false;
    else
      q->assignee = assignee;
  }
  const char *priority = query_get(r, "priority");
  if (priority && (q->priority = pd_priority_parse(priority)) < 0)
    return problem(r, PD_ERR_INVALID_INPUT, "priority must be normal or urgent"), false;
  if (!query_bool(r, "overdue", &q->overdue)) return false;

  const char *due_before = query_get(r, "due_before");
  if (due_before) {
    pd_date d;
    if (pd_parse_date(due_before, &d))
      q->due_before = pd_end_of_day(d);
    else if (!pd_parse_time(due_before, &q->due_before))
      return problem(r, PD_ERR_INVALID_INPUT, "due_before must be an RFC 3339 time or a YYYY-MM-DD date"), false;
  }
  const char *account_id = query_get(r, "account_id");
  if (account_id) {
    struct st_account acc;
    int rc = store_account_get(r->db, &r->arena, account_id, &acc);
    if (rc == ST_ERROR) return store_problem(r, rc, "account"), false;
    q->account_rowid = rc == ST_OK ? acc.rowid : -1;
  }
  const char *text = query_get(r, "q");
  if (text) {
    if (!*text || strlen(text) > 254) return problem(r, PD_ERR_INVALID_INPUT, "q must be 1 to 254 bytes"), false;
    if (strncmp(text, "req_", 4) == 0) {
      q->request_id = text;
    } else if (strncmp(text, "acc_", 4) == 0) {
      struct st_account acc;
      int rc = store_account_get(r->db, &r->arena, text, &acc);
      if (rc == ST_ERROR) return store_problem(r, rc, "account"), false;
      if (q->account_rowid && (rc != ST_OK || q->account_rowid != acc.rowid))
        q->account_rowid = -1;
      else
        q->account_rowid = rc == ST_OK ? acc.rowid : -1;
    } else {
      char *folded = arena_alloc(&r->arena, strlen(text) + 1);
      store_email_fold(text, folded, strlen(text) + 1);
      q->email_prefix = folded;
    }
  }
  const char *sort = query_get(r, "sort");
  q->sort = ST_SORT_DUE_ASC;
  if (sort) {
    int found = -1;
    for (int i = 0; i < 4; i++)
      if (strcmp(sort, sort_names[i]) == 0) found = i;
    if (found < 0)
      return problem(r, PD_ERR_INVALID_INPUT, "sort must be due_at, -due_at, received_at or -received_at"), false;
    q->sort = (enum st_request_sort)found;
  }
  if (!query_limit(r, &q->limit)) return false;
  char kind[32];
  snprintf(kind, sizeof kind, "requests:%s", sort_names[q->sort]);
  struct cursor_pos pos;
  if (!cursor_decode(r, kind, &q->has_after, &pos)) return false;
  if (q->has_after) {
    q->after_key = pos.key;
    q->after_id = pos.id;
  }
  return true;
}

int h_requests_list(struct req *r) {
  struct st_request_query q;
  if (!parse_queue_query(r, &q)) return -1;
  struct st_request *items;
  int n;
  bool more;
  /* Clock-free unless overdue= is given: only that filter compares with
   * q.now (store_*_requests.c); due_before is a time the caller names. */
  r->clock_free = q.overdue < 0;
  int rc = store_requests_list(r->db, &r->arena, &q, &items, &n, &more);
  if (rc != ST_OK) return store_problem(r, rc, "requests");
  const char *next = NULL;
  if (more && n) {
    const struct st_request *last = &items[n - 1];
    bool by_due = q.sort == ST_SORT_DUE_ASC || q.sort == ST_SORT_DUE_DESC;
    char kind[32];
    snprintf(kind, sizeof kind, "requests:%s", sort_names[q.sort]);
    next = cursor_encode(r, kind, by_due ? last->due_at : last->received_at, last->id);
  }
  size_t len = 0;
  char *page = render_requests_page(items, n, next, &len);
  return reply_page(r, page, len);
}

/* Clock-free: the stored request and its timeline (service.c reply_request). */
int h_request_get(struct req *r) {
  r->clock_free = true;
  return reply_request(r, 200, r->params[0]);
}

/* details for rectification {field, value} and objection {processing}; NULL otherwise. */
static bool parse_details(struct req *r, enum pd_request_type type, json_t *details, const char **out) {
  *out = NULL;
  bool wanted = type == PD_TYPE_RECTIFICATION || type == PD_TYPE_OBJECTION;
  if (!details || json_is_null(details)) {
    if (!wanted) return true;
    problem(r, PD_ERR_INVALID_INPUT, "details are required for %s requests", pd_request_type_name(type));
    return false;
  }
  if (!wanted) {
    problem(r, PD_ERR_INVALID_INPUT, "details are only for rectification and objection requests");
    return false;
  }
  if (!json_is_object(details)) {
    problem(r, PD_ERR_INVALID_INPUT, "details must be an object");
    return false;
  }
  json_t *clean;
  if (type == PD_TYPE_RECTIFICATION) {
    const char *field = NULL, *value = NULL;
    if (json_unpack(details, "{s:s, s:s !}", "field", &field, "value", &value) != 0 ||
        (strcmp(field, "name") != 0 && strcmp(field, "email") != 0)) {
      problem(r, PD_ERR_INVALID_INPUT, "details must be {\"field\": \"name\"|\"email\", \"value\": \"...\"}");
      return false;
    }
    size_t n = utf8_length(value);
    bool is_email = strcmp(field, "email") == 0;
    if (is_email ? (n < 3 || n > 254 || !strchr(value, '@') || strchr(value, ' ')) : (n < 1 || n > 200)) {
      problem(r, PD_ERR_INVALID_INPUT, is_email ? "details.value must be an e-mail address (3 to 254 characters)"
                                                : "details.value must be a name of 1 to 200 characters");
      return false;
    }
    clean = json_pack("{ss ss}", "field", field, "value", value);
  } else {
    const char *processing = NULL;
    if (json_unpack(details, "{s:s !}", "processing", &processing) != 0 ||
        (strcmp(processing, "analytics") != 0 && strcmp(processing, "marketing") != 0)) {
      problem(r, PD_ERR_INVALID_INPUT, "details must be {\"processing\": \"analytics\"|\"marketing\"}");
      return false;
    }
    clean = json_pack("{ss}", "processing", processing);
  }
  char *text = json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(clean);
  *out = text ? arena_strdup(&r->arena, text) : NULL;
  free(text);
  return *out != NULL;
}

int h_request_create(struct req *r) {
  static const char *const allowed[] = {"account_id", "type", "details", "priority", "received_at", "regime", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *account_id, *type_s, *priority_s, *received_s, *regime_s, *details;
  if (!field_string(r, body, "account_id", true, 1, 64, &account_id) ||
      !field_string(r, body, "type", true, 1, 32, &type_s) ||
      !field_string(r, body, "priority", false, 1, 32, &priority_s) ||
      !field_string(r, body, "received_at", false, 1, 64, &received_s) ||
      !field_string(r, body, "regime", false, 1, 32, &regime_s))
    return -1;
  int type = pd_request_type_parse(type_s);
  if (type < 0) return problem(r, PD_ERR_INVALID_INPUT, "type must be access, rectification, erasure or objection");
  int priority = priority_s ? pd_priority_parse(priority_s) : PD_PRIO_NORMAL;
  if (priority < 0) return problem(r, PD_ERR_INVALID_INPUT, "priority must be normal or urgent");
  int regime = regime_s ? pd_regime_parse(regime_s) : -1;
  if (regime_s && regime < 0) return problem(r, PD_ERR_INVALID_INPUT, "regime must be gdpr or ccpa");
  int64_t received_at = r->now;
  if (received_s) {
    if (!pd_parse_time(received_s, &received_at))
      return problem(r, PD_ERR_INVALID_INPUT, "received_at must be an RFC 3339 time");
    if (received_at > r->now + 60) return problem(r, PD_ERR_INVALID_INPUT, "received_at is in the future");
    if (received_at < 946684800) return problem(r, PD_ERR_INVALID_INPUT, "received_at is before 2000");
  }
  if (!parse_details(r, (enum pd_request_type)type, json_object_get(body, "details"), &details)) return -1;

  struct st_account acc;
  int rc = store_account_get(r->db, &r->arena, account_id, &acc);
  if (rc == ST_NOT_FOUND) return problem_status(r, PD_ERR_INVALID_INPUT, 422, "no account %.64s", account_id);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  if (acc.status == PD_ACC_ERASED)
    return problem_status(r, PD_ERR_INVALID_INPUT, 422, "the account is erased; it can no longer make requests");
  if (regime < 0) regime = acc.jurisdiction == PD_JUR_US_CA ? PD_REGIME_CCPA : PD_REGIME_GDPR;

  struct st_request q = {
    .account_rowid = acc.rowid, .type = (enum pd_request_type)type, .regime = (enum pd_regime)regime,
    .status = PD_ST_NEW, .priority = (enum pd_priority)priority, .received_at = received_at,
    .due_at = pd_due_at((enum pd_regime)regime, received_at, false),
    .ack_due_at = pd_ack_due_at((enum pd_regime)regime, received_at), .status_since = r->now, .details = details,
    .version = 1, .updated_at = r->now, .created_at = r->now};
  id_new(q.id, "req_");
  rc = store_request_insert(r->db, &q);
  if (rc != ST_OK) return store_problem(r, rc, "request");
  char received[PD_RFC3339_LEN];
  const char *text = arena_printf(&r->arena, "%s request opened (received %s)", pd_request_type_name(q.type),
                                  pd_format_time(received_at, received));
  if (timeline(r, q.rowid, "created", text, NULL, NULL, NULL)) return -1;
  rc = store_account_touch(r->db, acc.rowid, r->now);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  if (audit(r, "request.create", q.id, acc.id,
            json_pack("{ss ss ss}", "type", pd_request_type_name(q.type), "regime", pd_regime_name(q.regime),
                      "priority", pd_priority_name(q.priority))))
    return -1;
  r->location = arena_printf(&r->arena, "/v1/requests/%s", q.id);
  return reply_request(r, 201, q.id);
}

int h_request_export(struct req *r) {
  struct st_request q;
  if (load_request(r, &q)) return -1;
  if (q.type != PD_TYPE_ACCESS) return problem(r, PD_ERR_INVALID_INPUT, "only access requests have an export");
  if (q.status != PD_ST_COMPLETED)
    return problem(r, PD_ERR_INVALID_TRANSITION, "the export exists once the access request is completed");
  /* Clock-free: the export was built and stored at completion (its
   * generated_at is that time); this only reads it back. */
  r->clock_free = true;
  const char *body;
  int rc = store_export_get(r->db, &r->arena, q.rowid, &body);
  if (rc != ST_OK) return store_problem(r, rc, "export");
  r->status = 200;
  r->raw = body;
  r->content_type_out = "application/json";
  r->content_disposition = arena_printf(&r->arena, "attachment; filename=\"export-%s.json\"", q.id);
  return 0;
}
