/* Shared set-up of the API test programs: the live server of the program,
 * test cases generated at run time from tables, and the few multi-step
 * moves (open a request, walk it to a status) many tests need. */
#ifndef PD_TESTS_API_FIXTURE_H
#define PD_TESTS_API_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/api/http.h"
#include "tests/harness/server.h"

/* The server of this test program (started by fx_group_setup). */
extern struct pd_test_server fx_srv;
#define TOK_VIEWER (fx_srv.viewer)
#define TOK_AGENT (fx_srv.agent)
#define TOK_AGENT2 (fx_srv.agent2)
#define TOK_SUPER (fx_srv.supervisor)

/* Group set-up/teardown: a server seeded with fx_seed_accounts accounts and
 * fx_seed_requests requests (set before running the group), no rate limit.
 * The teardown fails when the server's stderr shows a sanitizer report. */
extern int fx_seed_accounts, fx_seed_requests;
int fx_group_setup(void **state);
int fx_group_teardown(void **state);
/* Starts/stops another server (e.g. one with a rate limit); the same sanitizer check. */
int fx_server_start(struct pd_test_server *s, const struct pd_test_server_opts *opts);
int fx_server_finish(struct pd_test_server *s);

/* Tests built at run time (tables): fx_add appends one, fx_run runs all in one group. */
void fx_add(const char *name, void (*fn)(void **state), void *initial_state);
/* name is formatted into storage that lives until fx_run returns. */
void fx_addf(void (*fn)(void **state), void *initial_state, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fx_run(const char *group_name);

/* An account nobody else in this program has used: active, no holds, no open
 * requests; jurisdiction "EU", "US-CA", "OTHER" or NULL for any. The id is
 * copied into out (ST_ID sized, 32 bytes). */
void fx_fresh_account(const char *jurisdiction, char out[32]);
/* The account's e-mail (GET /v1/accounts/{id}). */
void fx_account_email(const char *account_id, char *out, size_t outsz);

struct fx_req {
  char id[32];
  char etag[128]; /* the last ETag seen */
};
/* POST /v1/requests as alice; asserts 201. body_extra (stolen, may be NULL) is merged into the body. */
void fx_create(struct fx_req *q, const char *account_id, const char *type, json_t *body_extra);
/* Moves a request along new -> verifying -> in_progress (and verifies the
 * identity when verify is set), as alice, following ETags. */
void fx_to_in_progress(struct fx_req *q, bool verify);
/* One If-Match write as token with body (stolen; NULL sends none); asserts
 * want_status; refreshes q->etag on 2xx. Fills out (caller frees). */
void fx_write(struct hresp *out, struct fx_req *q, const char *token, const char *action, json_t *body,
              long want_status);

/* Today's date (UTC) as days since 1970-01-01, and civil-date helpers for
 * expectations that depend on the day the test runs. */
int64_t fx_days_from_civil(int y, int m, int d);
void fx_civil_from_days(int64_t z, int *y, int *m, int *d);
int fx_weekday(int64_t days); /* 0 = Monday .. 6 = Sunday */
int64_t fx_today(void);
void fx_format_date(int64_t days, char out[11]);

/* Audit log size (GET /v1/audit/verify "entries"). */
long long fx_audit_entries(void);

#endif
