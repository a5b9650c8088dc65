#include "screens/request_view.h"

#include <stdio.h>
#include <string.h>

#include "screens/format.h"

static void add_time(struct pd_detail *d, const char *key, int64_t t) {
  char buf[32];
  fmt_time(buf, sizeof buf, t);
  pd_detail_add_field(d, key, buf, t == PD_TIME_NONE ? PD_STYLE_DIM : PD_STYLE_NORMAL);
}

static void add_deadline(struct pd_detail *d, const struct pd_request *r, int64_t now) {
  char due[32], when[32];
  fmt_due(due, sizeof due, r, now);
  fmt_date(when, sizeof when, r->due_at);
  enum pd_style style = request_style(r, now);
  pd_detail_add_fieldf(d, "Due", style, "%s (%s)%s", when, due, r->extended ? ", extended" : "");
  if (r->extended) pd_detail_add_field(d, "Extension reason", r->extension_reason ? r->extension_reason : "", PD_STYLE_NORMAL);
  if (r->regime == PD_REGIME_CCPA) {
    char ack[32];
    fmt_date(ack, sizeof ack, r->ack_due_at);
    bool late = r->acknowledged_at == PD_TIME_NONE && now > r->ack_due_at;
    if (r->acknowledged_at != PD_TIME_NONE) {
      char at[32];
      fmt_time(at, sizeof at, r->acknowledged_at);
      pd_detail_add_fieldf(d, "Receipt confirmed", PD_STYLE_OK, "%s (due by %s)", at, ack);
    } else {
      pd_detail_add_fieldf(d, "Confirm receipt by", late ? PD_STYLE_URGENT : PD_STYLE_DUE_SOON, "%s%s", ack,
                           late ? " (late)" : " (10 business days)");
    }
  }
}

static void add_details(struct pd_detail *d, const struct pd_request *r) {
  if (r->details.kind == PD_DETAILS_RECTIFICATION)
    pd_detail_add_fieldf(d, "Change", PD_STYLE_NORMAL, "%s -> %s",
                         r->details.field == PD_FIELD_EMAIL ? "e-mail" : "name", r->details.value);
  else if (r->details.kind == PD_DETAILS_OBJECTION)
    pd_detail_add_fieldf(d, "Objects to", PD_STYLE_NORMAL, "%s",
                         r->details.processing == PD_PROCESSING_ANALYTICS ? "analytics" : "marketing");
}

static void add_outcome(struct pd_detail *d, const struct pd_request *r) {
  const struct pd_outcome *o = &r->result;
  char buf[64];
  switch (o->kind) {
  case PD_OUTCOME_ACCESS:
    fmt_bytes(buf, sizeof buf, o->access.bytes);
    pd_detail_add_fieldf(d, "Export", PD_STYLE_OK, "%lld categories, %s (S saves it)", (long long)o->access.categories,
                         buf);
    break;
  case PD_OUTCOME_RECTIFICATION:
    pd_detail_add_fieldf(d, "Result", PD_STYLE_OK, "%s corrected",
                         o->rectification.field == PD_FIELD_EMAIL ? "e-mail" : "name");
    break;
  case PD_OUTCOME_OBJECTION:
    pd_detail_add_fieldf(d, "Result", PD_STYLE_OK, "%s switched off",
                         o->objection.processing == PD_PROCESSING_ANALYTICS ? "analytics" : "marketing");
    break;
  case PD_OUTCOME_REJECTED: pd_detail_add_field(d, "Rejected because", o->rejected.reason, PD_STYLE_URGENT); break;
  case PD_OUTCOME_ERASURE: {
    pd_detail_add_heading(d, "Erasure result");
    pd_detail_add_fieldf(d, "Account is now", PD_STYLE_NORMAL, "%s", pd_account_status_name(o->erasure.account_status));
    char erased[512] = "";
    for (size_t i = 0; i < o->erasure.n_erased; i++) {
      if (i) strncat(erased, ", ", sizeof erased - strlen(erased) - 1);
      strncat(erased, pd_category_key(o->erasure.erased[i]), sizeof erased - strlen(erased) - 1);
    }
    pd_detail_add_field(d, "Erased", erased[0] ? erased : "nothing", PD_STYLE_OK);
    for (size_t i = 0; i < o->erasure.n_retained; i++) {
      const struct pd_retained *k = &o->erasure.retained[i];
      char why[512] = "";
      for (size_t j = 0; j < k->because.n; j++) {
        if (j) strncat(why, ", ", sizeof why - strlen(why) - 1);
        strncat(why, k->because.v[j], sizeof why - strlen(why) - 1);
      }
      char until[32] = "";
      if (k->until != PD_TIME_NONE) {
        char date[16];
        fmt_date(date, sizeof date, k->until);
        snprintf(until, sizeof until, " until %s", date);
      }
      char key[80];
      snprintf(key, sizeof key, "Retained %s", pd_category_key(k->key));
      pd_detail_add_fieldf(d, key, PD_STYLE_DUE_SOON, "%s%s", why, until);
    }
    break;
  }
  default: break;
  }
}

static void add_timeline(struct pd_detail *d, const struct pd_request *r) {
  pd_detail_add_heading(d, "Timeline");
  if (!r->n_timeline) pd_detail_add_text(d, "(no events)", PD_STYLE_DIM);
  for (size_t i = 0; i < r->n_timeline; i++) {
    const struct pd_event *e = &r->timeline[i];
    char left[96], at[32];
    fmt_time(at, sizeof at, e->at);
    snprintf(left, sizeof left, "%s  %-10.10s %-10.10s", at, e->actor, pd_event_kind_name(e->kind));
    enum pd_style style = e->kind == PD_EV_NOTE ? PD_STYLE_NORMAL : PD_STYLE_DIM;
    if (e->kind == PD_EV_COMPLETED) style = PD_STYLE_OK;
    if (e->kind == PD_EV_REJECTED) style = PD_STYLE_URGENT;
    pd_detail_add_row(d, left, e->text ? e->text : "", style);
  }
}

void request_view_fill(struct pd_detail *d, const struct pd_request *r, int64_t now) {
  char buf[128];
  pd_detail_add_heading(d, "Request");
  pd_detail_add_field(d, "Id", r->id, PD_STYLE_NORMAL);
  pd_detail_add_fieldf(d, "Type", PD_STYLE_NORMAL, "%s (%s)", pd_request_type_name(r->type),
                       r->regime == PD_REGIME_GDPR ? "GDPR" : "CCPA");
  fmt_age(buf, sizeof buf, r->status_since, now);
  pd_detail_add_fieldf(d, "Status", pd_status_is_open(r->status) ? PD_STYLE_NORMAL : PD_STYLE_DIM,
                       "%s (for %s)", status_label(r->status), buf);
  pd_detail_add_field(d, "Priority", pd_priority_name(r->priority),
                      r->priority == PD_PRIO_URGENT ? PD_STYLE_URGENT : PD_STYLE_NORMAL);
  add_deadline(d, r, now);
  add_time(d, "Received", r->received_at);
  pd_detail_add_field(d, "Assignee", r->assignee ? r->assignee : "unassigned",
                      r->assignee ? PD_STYLE_NORMAL : PD_STYLE_DUE_SOON);
  pd_detail_add_fieldf(d, "Identity", r->identity_verified ? PD_STYLE_OK : PD_STYLE_DUE_SOON, "%s%s%s%s",
                       r->identity_verified ? "verified" : "not verified", r->identity_method ? " (" : "",
                       r->identity_method ? r->identity_method : "", r->identity_method ? ")" : "");
  add_details(d, r);
  pd_detail_add_heading(d, "Account");
  pd_detail_add_field(d, "E-mail", r->account_email, PD_STYLE_NORMAL);
  pd_detail_add_field(d, "Name", r->account_name, PD_STYLE_NORMAL);
  pd_detail_add_field(d, "Account id", r->account_id, PD_STYLE_DIM);
  if (r->result.kind != PD_OUTCOME_NONE) add_outcome(d, r);
  add_timeline(d, r);
}
