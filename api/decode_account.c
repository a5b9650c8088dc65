/* Decoders: accounts (item, detail, page), inventory, holds. */
#include <stdlib.h>
#include <string.h>

#include "api/decode_internal.h"

bool pd_fill_cursor(struct pd_dec *d, json_t *o, char **out) {
  return dec_str(d, o, "next_cursor", DEC_NULLABLE | DEC_ID, PD_CURSOR_MAX, out);
}

bool pd_fill_account(struct pd_dec *d, json_t *o, void *out) {
  struct pd_account *a = out;
  return dec_str(d, o, "id", DEC_ID, PD_ID_MAX, &a->id) &&
         dec_str(d, o, "email", DEC_NONEMPTY, PD_EMAIL_MAX, &a->email) &&
         dec_str(d, o, "name", DEC_TEXT, PD_TEXT_MAX, &a->name) &&
         DEC_ENUM(d, o, "status", 0, pd_account_status_parse, &a->status) &&
         DEC_ENUM(d, o, "jurisdiction", 0, pd_jurisdiction_parse, &a->jurisdiction) &&
         dec_time(d, o, "created_at", 0, &a->created_at) &&
         dec_time(d, o, "closed_at", DEC_NULLABLE, &a->closed_at) &&
         dec_bool(d, o, "is_minor", &a->is_minor) &&
         dec_bool(d, o, "analytics_enabled", &a->analytics_enabled) &&
         dec_bool(d, o, "marketing_consent", &a->marketing_consent) &&
         dec_time(d, o, "marketing_consent_at", DEC_NULLABLE, &a->marketing_consent_at) &&
         dec_int(d, o, "active_holds", 0, PD_INT_MAX, &a->active_holds) &&
         dec_int(d, o, "open_requests", 0, PD_INT_MAX, &a->open_requests) &&
         dec_int(d, o, "version", 0, PD_INT_MAX, &a->version) &&
         dec_time(d, o, "updated_at", 0, &a->updated_at);
}

bool pd_fill_account_detail(struct pd_dec *d, json_t *o, void *out) {
  struct pd_account_detail *a = out;
  size_t nh, nr;
  json_t *holds, *reqs;
  return pd_fill_account(d, o, &a->account) &&
         (holds = dec_array(d, o, "holds", PD_PAGE_MAX, &nh)) &&
         dec_alloc(d, "holds", nh, sizeof *a->holds, (void **)&a->holds) && ((a->n_holds = nh), true) &&
         dec_items(d, holds, "holds", a->holds, sizeof *a->holds, pd_fill_hold) &&
         (reqs = dec_array(d, o, "requests", PD_ACCOUNT_REQUESTS_MAX, &nr)) &&
         dec_alloc(d, "requests", nr, sizeof *a->requests, (void **)&a->requests) &&
         ((a->n_requests = nr), true) &&
         dec_items(d, reqs, "requests", a->requests, sizeof *a->requests, pd_fill_request);
}

bool pd_fill_account_page(struct pd_dec *d, json_t *o, void *out) {
  struct pd_account_page *p = out;
  size_t n;
  json_t *items;
  return (items = dec_array(d, o, "items", PD_PAGE_MAX, &n)) &&
         dec_alloc(d, "items", n, sizeof *p->items, (void **)&p->items) && ((p->count = n), true) &&
         dec_items(d, items, "items", p->items, sizeof *p->items, pd_fill_account) &&
         pd_fill_cursor(d, o, &p->next_cursor);
}

static bool fill_inventory_row(struct pd_dec *d, json_t *o, void *out) {
  struct pd_inventory_row *r = out;
  return DEC_ENUM(d, o, "key", 0, pd_category_parse, &r->key) &&
         dec_str(d, o, "group", DEC_NONEMPTY, PD_ID_MAX, &r->group) &&
         dec_str(d, o, "label", DEC_NONEMPTY, PD_SHORT_MAX, &r->label) &&
         dec_int(d, o, "records", 0, PD_INT_MAX, &r->records) &&
         dec_int(d, o, "bytes", 0, PD_INT_MAX, &r->bytes) &&
         dec_time(d, o, "oldest", DEC_NULLABLE, &r->oldest) &&
         dec_time(d, o, "newest", DEC_NULLABLE, &r->newest) &&
         dec_strings(d, o, "systems", PD_SMALL_LIST_MAX, PD_SHORT_MAX, &r->systems) &&
         dec_strings(d, o, "recipients", PD_SMALL_LIST_MAX, PD_SHORT_MAX, &r->recipients) &&
         dec_str(d, o, "legal_basis", DEC_NONEMPTY, PD_ID_MAX, &r->legal_basis) &&
         dec_str(d, o, "retention", DEC_NONEMPTY, PD_SHORT_MAX, &r->retention) &&
         dec_date(d, o, "retained_until", DEC_NULLABLE, &r->retained_until) &&
         DEC_ENUM(d, o, "state", 0, pd_inventory_state_parse, &r->state) &&
         dec_strings(d, o, "retained_because", PD_SMALL_LIST_MAX, PD_SHORT_MAX, &r->retained_because);
}

bool pd_fill_inventory(struct pd_dec *d, json_t *o, void *out) {
  struct pd_inventory *inv = out;
  size_t n;
  json_t *items;
  return dec_str(d, o, "account_id", DEC_ID, PD_ID_MAX, &inv->account_id) &&
         (items = dec_array(d, o, "items", PD_CATEGORY_COUNT, &n)) &&
         dec_alloc(d, "items", n, sizeof *inv->items, (void **)&inv->items) && ((inv->count = n), true) &&
         dec_items(d, items, "items", inv->items, sizeof *inv->items, fill_inventory_row);
}

/* "categories": ["*"] or category keys (at least one). */
static bool fill_hold_categories(struct pd_dec *d, json_t *o, struct pd_hold *h) {
  json_t *arr = json_object_get(o, "categories");
  if (json_is_array(arr) && json_array_size(arr) == 1 &&
      json_is_string(json_array_get(arr, 0)) && strcmp(json_string_value(json_array_get(arr, 0)), "*") == 0) {
    h->all_categories = true;
    return true;
  }
  if (!dec_categories(d, o, "categories", &h->categories, &h->n_categories)) return false;
  return h->n_categories ? true : dec_fail(d, "categories", "empty");
}

bool pd_fill_hold(struct pd_dec *d, json_t *o, void *out) {
  struct pd_hold *h = out;
  if (!(dec_str(d, o, "id", DEC_ID, PD_ID_MAX, &h->id) &&
        dec_str(d, o, "account_id", DEC_ID, PD_ID_MAX, &h->account_id) &&
        dec_str(d, o, "reason", DEC_NONEMPTY | DEC_TEXT, PD_TEXT_MAX, &h->reason) &&
        dec_str(d, o, "case_ref", DEC_NONEMPTY, PD_SHORT_MAX, &h->case_ref) && fill_hold_categories(d, o, h) &&
        dec_str(d, o, "placed_by", DEC_NONEMPTY, PD_USER_MAX, &h->placed_by) &&
        dec_time(d, o, "placed_at", 0, &h->placed_at) &&
        DEC_ENUM(d, o, "status", 0, pd_hold_status_parse, &h->status) &&
        dec_str(d, o, "released_by", DEC_NULLABLE | DEC_NONEMPTY, PD_USER_MAX, &h->released_by) &&
        dec_time(d, o, "released_at", DEC_NULLABLE, &h->released_at) &&
        dec_str(d, o, "release_reason", DEC_NULLABLE | DEC_TEXT, PD_TEXT_MAX, &h->release_reason) &&
        dec_int(d, o, "version", 0, PD_INT_MAX, &h->version)))
    return false;
  if (h->status == PD_HOLD_RELEASED && (!h->released_by || h->released_at == PD_TIME_NONE))
    return dec_fail(d, h->released_by ? "released_at" : "released_by", "null on a released hold");
  return true;
}

bool pd_fill_hold_page(struct pd_dec *d, json_t *o, void *out) {
  struct pd_hold_page *p = out;
  size_t n;
  json_t *items;
  return (items = dec_array(d, o, "items", PD_PAGE_MAX, &n)) &&
         dec_alloc(d, "items", n, sizeof *p->items, (void **)&p->items) && ((p->count = n), true) &&
         dec_items(d, items, "items", p->items, sizeof *p->items, pd_fill_hold) &&
         pd_fill_cursor(d, o, &p->next_cursor);
}

void pd_account_clear(struct pd_account *a) {
  free(a->id);
  free(a->email);
  free(a->name);
  memset(a, 0, sizeof *a);
}

void pd_hold_clear(struct pd_hold *h) {
  free(h->id);
  free(h->account_id);
  free(h->reason);
  free(h->case_ref);
  free(h->categories);
  free(h->placed_by);
  free(h->released_by);
  free(h->release_reason);
  memset(h, 0, sizeof *h);
}

void pd_hold_free(struct pd_hold *h) {
  if (!h) return;
  pd_hold_clear(h);
  free(h);
}

void pd_account_detail_free(struct pd_account_detail *a) {
  if (!a) return;
  pd_account_clear(&a->account);
  for (size_t i = 0; i < a->n_holds; i++) pd_hold_clear(&a->holds[i]);
  free(a->holds);
  for (size_t i = 0; i < a->n_requests; i++) pd_request_clear(&a->requests[i]);
  free(a->requests);
  free(a);
}

void pd_account_page_free(struct pd_account_page *p) {
  if (!p) return;
  for (size_t i = 0; i < p->count; i++) pd_account_clear(&p->items[i]);
  free(p->items);
  free(p->next_cursor);
  free(p);
}

void pd_hold_page_free(struct pd_hold_page *p) {
  if (!p) return;
  for (size_t i = 0; i < p->count; i++) pd_hold_clear(&p->items[i]);
  free(p->items);
  free(p->next_cursor);
  free(p);
}

void pd_inventory_free(struct pd_inventory *inv) {
  if (!inv) return;
  for (size_t i = 0; i < inv->count; i++) {
    struct pd_inventory_row *r = &inv->items[i];
    free(r->group);
    free(r->label);
    pd_strings_clear(&r->systems);
    pd_strings_clear(&r->recipients);
    free(r->legal_basis);
    free(r->retention);
    pd_strings_clear(&r->retained_because);
  }
  free(inv->items);
  free(inv->account_id);
  free(inv);
}
