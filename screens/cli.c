#include "screens/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "screens/console.h"
#include "screens/format.h"
#include "tui/sanitize.h"

static bool to_terminal;

int cli_status_of(enum pd_error_kind k) {
  switch (k) {
  case PD_E_NONE: return CLI_OK;
  case PD_E_NOT_FOUND: return CLI_NOT_FOUND;
  case PD_E_UNAUTHENTICATED:
  case PD_E_FORBIDDEN: return CLI_DENIED;
  case PD_E_OFFLINE:
  case PD_E_TIMEOUT:
  case PD_E_TLS: return CLI_UNREACHABLE;
  case PD_E_INVALID_INPUT: return CLI_USAGE;
  default: return CLI_FAILED;
  }
}

/* Prints s, sanitised when the output is a terminal. */
static void put(const char *s) {
  if (!s) s = "";
  if (!to_terminal) {
    fputs(s, stdout);
    return;
  }
  char *clean = pd_sanitize_dup(s, PD_SAN_CSTR, 0, 0);
  fputs(clean ? clean : "?", stdout);
  free(clean);
}

static void field(const char *name, const char *value) {
  fputs(name, stdout);
  putchar('\t');
  put(value);
  putchar('\n');
}

static int fail(const struct pd_result *res, const char *what) {
  const struct pd_error *e = &res->error;
  fprintf(stderr, "privdesk: could not %s: %s", what, pd_error_kind_sentence(e->kind));
  if (e->detail[0] || e->message[0]) {
    char *d = pd_sanitize_dup(e->detail[0] ? e->detail : e->message, PD_SAN_CSTR, 0, 0);
    fprintf(stderr, ": %s", d ? d : "");
    free(d);
  }
  fputc('\n', stderr);
  return cli_status_of(e->kind);
}

static void print_json(json_t *v) {
  if (!v) return;
  char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | (to_terminal ? JSON_ENSURE_ASCII : 0));
  if (text) puts(text);
  free(text);
  json_decref(v);
}

static json_t *jtime(int64_t t) {
  char buf[PD_TIME_BUF];
  return t == PD_TIME_NONE || pd_time_format(t, buf, sizeof buf) ? json_null() : json_string(buf);
}

static json_t *jtext(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *request_json(const struct pd_request *r) {
  return json_pack("{ss ss ss ss ss ss ss ss so so sb so sb sI}", "id", r->id, "account_id", r->account_id,
                   "account_email", r->account_email, "account_name", r->account_name, "type",
                   pd_request_type_name(r->type), "regime", pd_regime_name(r->regime), "status",
                   pd_status_name(r->status), "priority", pd_priority_name(r->priority), "received_at",
                   jtime(r->received_at), "due_at", jtime(r->due_at), "extended", r->extended, "assignee",
                   jtext(r->assignee), "identity_verified", r->identity_verified, "version", (json_int_t)r->version);
}

static json_t *account_json(const struct pd_account *a) {
  return json_pack("{ss ss ss ss ss so so sb sb sb sI sI sI}", "id", a->id, "email", a->email, "name", a->name,
                   "status", pd_account_status_name(a->status), "jurisdiction", pd_jurisdiction_name(a->jurisdiction),
                   "created_at", jtime(a->created_at), "closed_at", jtime(a->closed_at), "is_minor", a->is_minor,
                   "analytics_enabled", a->analytics_enabled, "marketing_consent", a->marketing_consent,
                   "active_holds", (json_int_t)a->active_holds, "open_requests", (json_int_t)a->open_requests,
                   "version", (json_int_t)a->version);
}

/* ---- get queue ---- */

static int get_queue(pd_client *c, int argc, char **argv) {
  static const struct option opts[] = {{"preset", required_argument, 0, 'p'}, {"limit", required_argument, 0, 'l'},
                                       {"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
  const char *preset = "open";
  long limit = 1000;
  bool json = false;
  int ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (ch == 'p') preset = optarg;
    else if (ch == 'j') json = true;
    else if (ch == 'l') {
      char *end;
      limit = strtol(optarg, &end, 10);
      if (!*optarg || *end || limit < 1 || limit > 1000000) {
        fprintf(stderr, "privdesk: --limit wants 1 to 1000000\n");
        return CLI_USAGE;
      }
    } else return CLI_USAGE;
  }
  int p = queue_preset_parse(preset);
  if (p < 0 || optind != argc) {
    fprintf(stderr, "privdesk: get queue [--preset mine|unassigned|urgent|overdue|open|closed|all] [--limit N] [--json]\n");
    return CLI_USAGE;
  }
  struct pd_request_query q = {.sort = PD_SORT_DUE_AT, .limit = 200};
  unsigned open = 0, closed = 0;
  for (int s = 0; s < PD_STATUS_COUNT; s++) *(pd_status_is_open((enum pd_status)s) ? &open : &closed) |= 1u << s;
  switch ((enum queue_preset)p) {
  case QUEUE_OPEN: q.statuses = open; break;
  case QUEUE_MINE: q.statuses = open; q.assignee = "me"; break;
  case QUEUE_UNASSIGNED: q.statuses = open; q.assignee = "none"; break;
  case QUEUE_URGENT: q.statuses = open; q.urgent = PD_FLAG_TRUE; break;
  case QUEUE_OVERDUE: q.overdue = PD_FLAG_TRUE; break;
  case QUEUE_CLOSED: q.statuses = closed; break;
  default: break;
  }
  json_t *all = json ? json_array() : NULL;
  char *cursor = NULL;
  long printed = 0;
  int64_t now = (int64_t)time(NULL);
  for (;;) {
    q.cursor = cursor;
    struct pd_result *res = pd_call_wait(c, pd_list_requests(c, &q, NULL, NULL, NULL));
    free(cursor);
    cursor = NULL;
    if (!res->ok) {
      int rc = fail(res, "list the queue");
      pd_result_free(res);
      json_decref(all);
      return rc;
    }
    const struct pd_request_page *page = res->v.request_page;
    for (size_t i = 0; i < page->count && printed < limit; i++, printed++) {
      const struct pd_request *r = &page->items[i];
      if (json) {
        json_array_append_new(all, request_json(r));
        continue;
      }
      char due[16], left[32];
      fmt_date(due, sizeof due, r->due_at);
      fmt_due(left, sizeof left, r, now);
      printf("%s\t%s\t%s\t%s\t%s\t%s\t", r->id, due, left, pd_status_name(r->status), pd_request_type_name(r->type),
             pd_priority_name(r->priority));
      put(r->account_email);
      putchar('\t');
      put(r->assignee ? r->assignee : "-");
      putchar('\n');
    }
    if (page->next_cursor && printed < limit) cursor = strdup(page->next_cursor);
    pd_result_free(res);
    if (!cursor) break;
  }
  if (json) print_json(all);
  return CLI_OK;
}

/* ---- get request / account / stats ---- */

static int get_request(pd_client *c, const char *id, bool json) {
  struct pd_result *res = pd_call_wait(c, pd_get_request(c, id, NULL, NULL, NULL));
  if (!res->ok) {
    int rc = fail(res, "read the request");
    pd_result_free(res);
    return rc;
  }
  const struct pd_request *r = res->v.request;
  if (json) {
    print_json(request_json(r));
  } else {
    char due[32], received[32];
    fmt_time(due, sizeof due, r->due_at);
    fmt_time(received, sizeof received, r->received_at);
    field("id", r->id);
    field("type", pd_request_type_name(r->type));
    field("regime", pd_regime_name(r->regime));
    field("status", pd_status_name(r->status));
    field("priority", pd_priority_name(r->priority));
    field("received_at", received);
    field("due_at", due);
    field("assignee", r->assignee ? r->assignee : "-");
    field("identity_verified", r->identity_verified ? "yes" : "no");
    field("account_id", r->account_id);
    field("account_email", r->account_email);
  }
  pd_result_free(res);
  return CLI_OK;
}

static int get_account(pd_client *c, const char *key, bool json) {
  char id[PD_ID_MAX + 1] = "";
  if (strncmp(key, "acc_", 4) == 0) {
    snprintf(id, sizeof id, "%s", key);
  } else { /* an e-mail: search by prefix and take the exact match */
    struct pd_account_query q = {.q = key, .limit = 200};
    struct pd_result *res = pd_call_wait(c, pd_list_accounts(c, &q, NULL, NULL, NULL));
    if (!res->ok) {
      int rc = fail(res, "search accounts");
      pd_result_free(res);
      return rc;
    }
    for (size_t i = 0; i < res->v.account_page->count && !id[0]; i++)
      if (strcasecmp(res->v.account_page->items[i].email, key) == 0)
        snprintf(id, sizeof id, "%s", res->v.account_page->items[i].id);
    pd_result_free(res);
    if (!id[0]) {
      fprintf(stderr, "privdesk: no account with the e-mail %s\n", key);
      return CLI_NOT_FOUND;
    }
  }
  struct pd_result *res = pd_call_wait(c, pd_get_account(c, id, NULL, NULL, NULL));
  if (!res->ok) {
    int rc = fail(res, "read the account");
    pd_result_free(res);
    return rc;
  }
  const struct pd_account *a = &res->v.account_detail->account;
  if (json) {
    print_json(account_json(a));
  } else {
    char created[32], holds[24], open[24];
    fmt_time(created, sizeof created, a->created_at);
    snprintf(holds, sizeof holds, "%lld", (long long)a->active_holds);
    snprintf(open, sizeof open, "%lld", (long long)a->open_requests);
    field("id", a->id);
    field("email", a->email);
    field("name", a->name);
    field("status", pd_account_status_name(a->status));
    field("jurisdiction", pd_jurisdiction_name(a->jurisdiction));
    field("created_at", created);
    field("is_minor", a->is_minor ? "yes" : "no");
    field("analytics_enabled", a->analytics_enabled ? "yes" : "no");
    field("marketing_consent", a->marketing_consent ? "yes" : "no");
    field("active_holds", holds);
    field("open_requests", open);
  }
  pd_result_free(res);
  return CLI_OK;
}

static int get_stats(pd_client *c, bool json) {
  struct pd_result *res = pd_call_wait(c, pd_get_stats(c, NULL, NULL, NULL));
  if (!res->ok) {
    int rc = fail(res, "read the statistics");
    pd_result_free(res);
    return rc;
  }
  const struct pd_stats *s = res->v.stats;
  const struct {
    const char *name;
    int64_t value;
  } rows[] = {{"open_total", s->open_total}, {"overdue", s->overdue}, {"due_within_7_days", s->due_within_7_days},
              {"urgent", s->urgent},         {"unassigned", s->unassigned}, {"mine", s->mine}};
  json_t *o = json ? json_object() : NULL;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    if (json)
      json_object_set_new(o, rows[i].name, json_integer(rows[i].value));
    else
      printf("%s\t%lld\n", rows[i].name, (long long)rows[i].value);
  }
  if (json) print_json(o);
  pd_result_free(res);
  return CLI_OK;
}

static int get_command(pd_client *c, int argc, char **argv) {
  if (argc < 2) goto usage;
  const char *what = argv[1];
  if (strcmp(what, "queue") == 0) return get_queue(c, argc - 1, argv + 1);
  bool json = false;
  const char *arg = NULL;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) json = true;
    else if (!arg && argv[i][0] != '-') arg = argv[i];
    else goto usage;
  }
  if (strcmp(what, "stats") == 0 && !arg) return get_stats(c, json);
  if (strcmp(what, "request") == 0 && arg) return get_request(c, arg, json);
  if (strcmp(what, "account") == 0 && arg) return get_account(c, arg, json);
usage:
  fprintf(stderr, "privdesk: get queue|request ID|account E-MAIL|ID|stats [--json] (see privdesk --help)\n");
  return CLI_USAGE;
}

/* ---- export ---- */

static int export_command(pd_client *c, int argc, char **argv) {
  const char *id = NULL, *out = NULL;
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc) out = argv[++i];
    else if (!id && argv[i][0] != '-') id = argv[i];
    else id = NULL, out = NULL, i = argc;
  }
  if (!id || !out) {
    fprintf(stderr, "privdesk: export REQUEST-ID -o FILE\n");
    return CLI_USAGE;
  }
  struct pd_result *res = pd_call_wait(c, pd_get_export(c, id, NULL, NULL, NULL));
  if (!res->ok) {
    int rc = fail(res, "download the export");
    pd_result_free(res);
    return rc;
  }
  struct pd_error err;
  int rc = CLI_OK;
  if (pd_export_save(res->v.export, out, &err) != 0) {
    fprintf(stderr, "privdesk: could not save the export: %s\n", err.message);
    rc = CLI_FAILED;
  } else if (isatty(STDERR_FILENO)) {
    fprintf(stderr, "privdesk: saved %zu bytes to %s (readable by you only)\n", res->v.export->len, out);
  }
  pd_result_free(res);
  return rc;
}

int cli_run(pd_client *client, int argc, char **argv) {
  to_terminal = isatty(STDOUT_FILENO);
  if (strcmp(argv[0], "get") == 0) return get_command(client, argc, argv);
  if (strcmp(argv[0], "export") == 0) return export_command(client, argc, argv);
  fprintf(stderr, "privdesk: unknown command \"%s\" (get, export; see privdesk --help)\n", argv[0]);
  return CLI_USAGE;
}
