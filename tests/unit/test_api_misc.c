/* api/: the token file check, Retry-After and backoff, RFC 3339 parsing,
 * error mapping, intents, export saving, and calls that fail locally. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/api.h"
#include "api/retry.h"

extern const struct CMUnitTest pd_test_misc[];
extern const size_t pd_test_misc_n;

static char tmpdir[64];

static int make_tmpdir(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pd-api-test.XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  assert_int_equal(fchmod(fd, mode), 0); /* explicit: the umask does not interfere */
  close(fd);
}

static void test_token_file_permissions(void **state) {
  (void)state;
  char path[128];
  struct pd_error err;
  snprintf(path, sizeof path, "%s/token", tmpdir);

  write_file(path, "s3cr3t-token\n", 0600);
  pd_token *t = pd_token_from_file(path, &err);
  assert_non_null(t);
  assert_int_equal(err.kind, PD_E_NONE);
  pd_token_free(t);

  write_file(path, "s3cr3t-token\n", 0400);
  assert_non_null(t = pd_token_from_file(path, &err));
  pd_token_free(t);

  static const mode_t refused[] = {0640, 0644, 0604, 0660, 0666, 0620};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    write_file(path, "s3cr3t-token\n", refused[i]);
    assert_null(pd_token_from_file(path, &err));
    assert_int_equal(err.kind, PD_E_UNAUTHENTICATED);
    assert_non_null(strstr(err.message, "accessible by group or others"));
    assert_non_null(strstr(err.message, "chmod 600"));
    assert_null(strstr(err.message, "s3cr3t")); /* never the token itself */
  }

  /* A directory (even 0700) and a FIFO are not regular files. */
  char dir[128];
  snprintf(dir, sizeof dir, "%s/tokdir", tmpdir);
  assert_int_equal(mkdir(dir, 0700), 0);
  assert_null(pd_token_from_file(dir, &err));
  assert_non_null(strstr(err.message, "not a regular file"));
  char fifo[128];
  snprintf(fifo, sizeof fifo, "%s/fifo", tmpdir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  assert_null(pd_token_from_file(fifo, &err)); /* and it does not hang */
  assert_non_null(strstr(err.message, "not a regular file"));

  /* Missing, empty, malformed. */
  snprintf(path, sizeof path, "%s/missing", tmpdir);
  assert_null(pd_token_from_file(path, &err));
  assert_non_null(strstr(err.message, "No such file"));
  snprintf(path, sizeof path, "%s/empty", tmpdir);
  write_file(path, "\n", 0600);
  assert_null(pd_token_from_file(path, &err));
  assert_non_null(strstr(err.message, "empty"));
  write_file(path, "two words\n", 0600);
  assert_null(pd_token_from_file(path, &err));
  write_file(path, "line1\nline2\n", 0600);
  assert_null(pd_token_from_file(path, &err));

  /* The check on a descriptor directly. */
  snprintf(path, sizeof path, "%s/fd", tmpdir);
  write_file(path, "x", 0644);
  int fd = open(path, O_RDONLY);
  assert_int_equal(pd_token_check_fd(fd, path, &err), -1);
  assert_int_equal(fchmod(fd, 0600), 0);
  assert_int_equal(pd_token_check_fd(fd, path, &err), 0);
  close(fd);
}

static void test_token_env(void **state) {
  (void)state;
  struct pd_error err;
  unsetenv(PD_TOKEN_ENV);
  assert_null(pd_token_from_env(&err));
  assert_non_null(strstr(err.message, "PRIVDESK_TOKEN is not set"));
  setenv(PD_TOKEN_ENV, "env-token-123", 1);
  pd_token *t = pd_token_from_env(&err);
  assert_non_null(t);
  assert_null(getenv(PD_TOKEN_ENV)); /* children do not inherit it */
  pd_token_free(t);
  assert_null(pd_token_from_string("bad token", &err));
  assert_null(pd_token_from_string("", &err));
  pd_token_free(NULL);
}

static void test_backoff(void **state) {
  (void)state;
  /* Exponential with equal jitter: retry n waits within [d/2, d], d = min(cap, base * 2^(n-1)). */
  assert_int_equal(pd_backoff_ms(1, 250, 4000, 0), 125);
  assert_int_equal(pd_backoff_ms(1, 250, 4000, UINT32_MAX), 250);
  assert_int_equal(pd_backoff_ms(2, 250, 4000, 0), 250);
  assert_int_equal(pd_backoff_ms(2, 250, 4000, UINT32_MAX), 500);
  assert_int_equal(pd_backoff_ms(3, 250, 4000, UINT32_MAX), 1000);
  assert_int_equal(pd_backoff_ms(5, 250, 4000, UINT32_MAX), 4000);
  assert_int_equal(pd_backoff_ms(6, 250, 4000, UINT32_MAX), 4000); /* capped */
  assert_int_equal(pd_backoff_ms(60, 250, 4000, 0), 2000);         /* no overflow */
  assert_int_equal(pd_backoff_ms(1000000, 250, 4000, UINT32_MAX), 4000);
  assert_int_equal(pd_backoff_ms(0, 250, 4000, 0), 0);
  assert_int_equal(pd_backoff_ms(1, 0, 4000, 0), 0);
  long mid = pd_backoff_ms(3, 250, 4000, UINT32_MAX / 2);
  assert_true(mid >= 500 && mid <= 1000);
  for (uint32_t r = 0; r < 1000; r++) {
    long d = pd_backoff_ms(4, 100, 10000, r * 4294967u);
    assert_true(d >= 400 && d <= 800);
  }
}

static void test_retry_after(void **state) {
  (void)state;
  const int64_t now = INT64_C(784111777); /* Sun, 06 Nov 1994 08:49:37 GMT */
  assert_int_equal(pd_retry_after_s("0", now), 0);
  assert_int_equal(pd_retry_after_s("1", now), 1);
  assert_int_equal(pd_retry_after_s(" 120 ", now), 120);
  assert_int_equal(pd_retry_after_s("99999999999999999999", now), 86400);
  assert_int_equal(pd_retry_after_s("Sun, 06 Nov 1994 08:49:37 GMT", now), 0);
  assert_int_equal(pd_retry_after_s("Sun, 06 Nov 1994 08:50:07 GMT", now), 30);
  assert_int_equal(pd_retry_after_s("Sat, 05 Nov 1994 08:49:37 GMT", now), 0); /* past */
  assert_int_equal(pd_retry_after_s("Mon, 07 Nov 1994 08:49:37 GMT", now), 86400);
  assert_int_equal(pd_retry_after_s(NULL, now), -1);
  assert_int_equal(pd_retry_after_s("", now), -1);
  assert_int_equal(pd_retry_after_s("-1", now), -1);
  assert_int_equal(pd_retry_after_s("1.5", now), -1);
  assert_int_equal(pd_retry_after_s("soon", now), -1);
  assert_int_equal(pd_retry_after_s("Sunday, 06-Nov-94 08:49:37 GMT", now), -1); /* RFC 850: not accepted */
  assert_int_equal(pd_retry_after_s("Sun, 31 Nov 1994 08:49:37 GMT", now), -1);  /* no such day */
  assert_int_equal(pd_retry_after_s("Sun, 06 Nov 1994 08:49:37 UTC", now), -1);
}

static void test_rfc3339(void **state) {
  (void)state;
  int64_t t;
  assert_int_equal(pd_time_parse("2026-11-29T16:43:12Z", &t), 0);
  assert_true(t == INT64_C(1795970592));
  assert_int_equal(pd_time_parse("2026-11-29t16:43:12z", &t), 0);
  assert_true(t == INT64_C(1795970592));
  assert_int_equal(pd_time_parse("2026-11-29T17:43:12.999999+01:00", &t), 0);
  assert_true(t == INT64_C(1795970592));
  assert_int_equal(pd_time_parse("2026-11-29T11:13:12-05:30", &t), 0);
  assert_true(t == INT64_C(1795970592));
  assert_int_equal(pd_time_parse("2000-02-29T00:00:00Z", &t), 0);
  assert_true(t == INT64_C(951782400));
  assert_int_equal(pd_time_parse("1969-12-31T23:59:59Z", &t), 0);
  assert_true(t == -1);
  assert_int_equal(pd_time_parse("0000-01-01T00:00:00Z", &t), 0);
  assert_true(t == INT64_C(-62167219200));
  assert_int_equal(pd_time_parse("9999-12-31T23:59:59Z", &t), 0);
  assert_true(t == INT64_C(253402300799));
  static const char *const bad[] = {
      "2026-11-29 16:43:12Z", "2026-11-29T16:43:12",   "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
      "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",  "2026-04-31T00:00:00Z", "2026-11-29T24:00:00Z",
      "2026-11-29T16:60:00Z", "2026-11-29T16:43:60Z",  "2026-11-29T16:43:12.Z", "2026-11-29T16:43:12+1:00",
      "2026-11-29T16:43:12+24:00", "2026-11-29T16:43:12ZZ", "2026-11-29T16:43Z", "26-11-29T16:43:12Z",
      "+2026-11-29T16:43:12Z", "2026-11-29T16:43:12+0100", "", "2026-1-29T16:43:12Z"};
  t = 42;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (pd_time_parse(bad[i], &t) == 0) fail_msg("accepted \"%s\"", bad[i]);
  assert_true(t == 42); /* untouched on failure */
  assert_int_equal(pd_time_parse(NULL, &t), -1);
  assert_int_equal(pd_date_parse("2036-03-01", &t), 0);
  assert_true(t == INT64_C(2087942400));
  assert_int_equal(pd_date_parse("2036-02-30", &t), -1);
  assert_int_equal(pd_date_parse("2036-03-01T00:00:00Z", &t), -1);
  char buf[PD_TIME_BUF];
  assert_int_equal(pd_time_format(INT64_C(1795970592), buf, sizeof buf), 0);
  assert_string_equal(buf, "2026-11-29T16:43:12Z");
  assert_int_equal(pd_time_format(-1, buf, sizeof buf), 0);
  assert_string_equal(buf, "1969-12-31T23:59:59Z");
  assert_int_equal(pd_time_format(PD_TIME_NONE, buf, sizeof buf), -1);
  char day[PD_DATE_BUF];
  assert_int_equal(pd_date_format(INT64_C(2087942400) + 3600, day, sizeof day), 0);
  assert_string_equal(day, "2036-03-01");
  /* Round trip over four centuries of days. */
  for (int64_t d = -150000; d < 150000; d += 7) {
    int64_t back;
    assert_int_equal(pd_time_format(d * 86400 + 45296, buf, sizeof buf), 0);
    assert_int_equal(pd_time_parse(buf, &back), 0);
    assert_true(back == d * 86400 + 45296);
  }
}

static void test_error_kinds(void **state) {
  (void)state;
  for (int k = 0; k < PD_E_COUNT; k++) {
    assert_non_null(pd_error_kind_name((enum pd_error_kind)k));
    assert_true(strlen(pd_error_kind_sentence((enum pd_error_kind)k)) > 3);
  }
  assert_string_equal(pd_error_kind_sentence(PD_E_PRECONDITION_FAILED), "changed by someone else — reload");
  assert_string_equal(pd_error_kind_sentence(PD_E_HOLD_ACTIVE), "a dispute hold blocks this");
  assert_string_equal(pd_error_kind_sentence(PD_E_OFFLINE), "offline: the server does not answer");
  assert_string_equal(pd_error_kind_name(PD_E_IDEMPOTENCY_KEY_REUSED), "idempotency_key_reused");
  /* Every server code maps to its kind; the rest by status. */
  for (int c = 0; c < PD_ERROR_CODE_COUNT; c++) {
    const char *code = pd_error_code_name((enum pd_error_code)c);
    enum pd_error_kind k = pd_error_kind_from_problem(code, 400);
    if (c == PD_ERR_INTERNAL)
      assert_int_equal(k, PD_E_SERVER);
    else
      assert_string_equal(pd_error_kind_name(k), code);
  }
  assert_int_equal(pd_error_kind_from_problem(NULL, 401), PD_E_UNAUTHENTICATED);
  assert_int_equal(pd_error_kind_from_problem("teapot", 404), PD_E_NOT_FOUND);
  assert_int_equal(pd_error_kind_from_problem("offline", 412), PD_E_PRECONDITION_FAILED);
  assert_int_equal(pd_error_kind_from_problem(NULL, 415), PD_E_INVALID_INPUT);
  assert_int_equal(pd_error_kind_from_problem(NULL, 502), PD_E_SERVER);
  assert_int_equal(pd_error_kind_from_problem(NULL, 302), PD_E_BAD_RESPONSE);
  long long v;
  assert_int_equal(pd_etag_version("\"8\"", &v), 0);
  assert_int_equal(v, 8);
  assert_int_equal(pd_etag_version("W/\"8\"", &v), -1);
  assert_int_equal(pd_etag_version("\"8", &v), -1);
  assert_int_equal(pd_etag_version("\"\"", &v), -1);
  assert_int_equal(pd_etag_version("\"99999999999999999999\"", &v), -1);
}

static void test_intent_keys(void **state) {
  (void)state;
  pd_intent *a = pd_intent_new(), *b = pd_intent_new();
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(strlen(pd_intent_key(a)), 43); /* 32 bytes, base64url */
  assert_int_equal(strspn(pd_intent_key(a), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
  assert_string_not_equal(pd_intent_key(a), pd_intent_key(b));
  assert_false(pd_intent_is_bound(a));
  pd_intent_free(a);
  pd_intent_free(b);
  pd_intent *k = pd_intent_from_key("draft-17");
  assert_string_equal(pd_intent_key(k), "draft-17");
  pd_intent_free(k);
  assert_null(pd_intent_from_key(""));
  assert_null(pd_intent_from_key("has space"));
}

static void test_export_save(void **state) {
  (void)state;
  char path[128];
  snprintf(path, sizeof path, "%s/export.json", tmpdir);
  struct pd_export e = {.json = "{\"format\":\"privdesk-export/1\"}", .len = 30};
  struct pd_error err;
  assert_int_equal(pd_export_save(&e, path, &err), 0);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(st.st_size, 30);
  char bad[160];
  snprintf(bad, sizeof bad, "%s/no/such/dir/x.json", tmpdir);
  assert_int_equal(pd_export_save(&e, bad, &err), -1);
  assert_int_equal(err.kind, PD_E_LOCAL);
}

struct seen {
  int calls;
  struct pd_error err;
};

static void remember(struct pd_result *res, void *ud) {
  struct seen *s = ud;
  s->calls++;
  s->err = res->error;
}

/* Local failures (bad arguments, misused intents) are delivered through the
 * callback on the next dispatch, never from the starting function. */
static void test_local_failures(void **state) {
  (void)state;
  struct pd_error err;
  assert_null(pd_client_new(&(struct pd_client_options){.base_url = "ftp://x"}, pd_token_from_string("t", &err), &err));
  assert_int_equal(err.kind, PD_E_INVALID_INPUT);
  pd_client *c = pd_client_new(&(struct pd_client_options){.base_url = "http://127.0.0.1:9/", .insecure = true},
                               pd_token_from_string("tok", &err), &err);
  assert_non_null(c);
  assert_true(pd_client_is_insecure(c));
  assert_string_equal(pd_client_base_url(c), "http://127.0.0.1:9");
  struct seen s = {0};
  pd_call *call = pd_get_request(c, "", NULL, remember, &s);
  assert_non_null(call);
  assert_int_equal(s.calls, 0);
  assert_int_equal(pd_client_timeout_ms(c), 0);
  pd_client_dispatch(c, NULL, 0);
  assert_int_equal(s.calls, 1);
  assert_int_equal(s.err.kind, PD_E_INVALID_INPUT);
  assert_non_null(strstr(s.err.message, "id"));

  pd_result_free(pd_call_wait(c, NULL)); /* a NULL call (out of memory) still gives a result */
  struct pd_result *r = pd_call_wait(c, pd_add_note(c, "req_x", NULL, "\xff\xfe", NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_INVALID_INPUT);
  assert_string_equal(r->error.message, "text: not valid UTF-8");
  pd_result_free(r);
  r = pd_call_wait(c, pd_get_me(c, "\"1\"\r\nX-Evil: 1", NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_INVALID_INPUT);
  pd_result_free(r);
  r = pd_call_wait(c, pd_update_account(c, "acc_x", 1, NULL, &(struct pd_account_patch){.reason = "r"}, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_INVALID_INPUT);
  pd_result_free(r);
  r = pd_call_wait(c, pd_intent_resubmit(c, NULL, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_INVALID_INPUT);
  pd_result_free(r);

  /* An intent bound to one request refuses another; cancelling stops both. */
  pd_intent *in = pd_intent_new();
  pd_call *first = pd_add_note(c, "req_a", in, "hello", remember, &s);
  assert_true(pd_intent_is_bound(in));
  pd_call *other = pd_add_note(c, "req_a", in, "something else", remember, &s);
  pd_call_cancel(first);
  assert_int_equal(pd_client_in_flight(c), 1);
  pd_client_dispatch(c, NULL, 0);
  assert_int_equal(s.calls, 2);
  assert_int_equal(s.err.kind, PD_E_INVALID_INPUT);
  assert_non_null(strstr(s.err.message, "intent"));
  (void)other;
  /* A queued local failure can be cancelled too: its callback never runs. */
  pd_call_cancel(pd_get_hold(c, NULL, NULL, remember, &s));
  pd_client_dispatch(c, NULL, 0);
  assert_int_equal(s.calls, 2);
  pd_intent_free(in);
  pd_client_free(c);
}

const struct CMUnitTest pd_test_misc[] = {
    cmocka_unit_test_setup_teardown(test_token_file_permissions, make_tmpdir, remove_tmpdir),
    cmocka_unit_test(test_token_env),
    cmocka_unit_test(test_backoff),
    cmocka_unit_test(test_retry_after),
    cmocka_unit_test(test_rfc3339),
    cmocka_unit_test(test_error_kinds),
    cmocka_unit_test(test_intent_keys),
    cmocka_unit_test_setup_teardown(test_export_save, make_tmpdir, remove_tmpdir),
    cmocka_unit_test(test_local_failures),
};
const size_t pd_test_misc_n = sizeof pd_test_misc / sizeof *pd_test_misc;
