/* Legal deadlines: server/domain/deadline.h.
 *
 * Every expected date below was worked out by hand and cross-checked twice:
 * with Python (calendar.monthrange for the month clamp, date.weekday() for the
 * weekend shift) and with GNU date for weekdays and day sums, e.g.
 *   date -u -d 2027-02-28 +%a            -> Sun  (so 2027-01-31 is due 2027-03-01)
 *   date -u -d '2024-01-20 +45 days' +%F -> 2024-03-05
 *   date -u -d 2100-02-29                -> invalid date (2100 is not a leap year)
 * GNU `date -d '... +1 month'` is NOT used for GDPR: it spills 31 Jan into March
 * instead of clamping to the end of February. Unix times come from
 * `date -u -d <time> +%s`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "server/domain/deadline.h"

#define GDPR PD_REGIME_GDPR
#define CCPA PD_REGIME_CCPA

static pd_date parse(const char *s) {
  pd_date d = {0, 0, 0};
  if (!pd_parse_date(s, &d)) fail_msg("bad test date %s", s);
  return d;
}

static void assert_date_str(pd_date got, const char *want, const char *context) {
  char buf[PD_DATE_LEN];
  pd_format_date(got, buf);
  if (pd_date_cmp(got, parse(want)) != 0) fail_msg("%s: got %s, want %s", context, buf, want);
}

static int64_t T(const char *rfc3339) {
  int64_t t = 0;
  if (!pd_parse_time(rfc3339, &t)) fail_msg("bad test time %s", rfc3339);
  return t;
}

static const struct {
  enum pd_regime regime;
  const char *received;
  bool extended;
  const char *due; /* weekday of the due date, and why, in the comment */
} due_table[] = {
    /* GDPR, one month: month-end clamp, leap years, weekend shift. */
    {GDPR, "2024-01-31", false, "2024-02-29"}, /* Thu; leap year clamps to the 29th */
    {GDPR, "2025-01-31", false, "2025-02-28"}, /* Fri; common year clamps to the 28th */
    {GDPR, "2100-01-31", false, "2100-03-01"}, /* 2100 not leap: Feb 28 is a Sun -> Mon */
    {GDPR, "2000-01-31", false, "2000-02-29"}, /* Tue; 2000 is leap (divisible by 400) */
    {GDPR, "2027-01-31", false, "2027-03-01"}, /* clamp to Sun Feb 28 -> Mon Mar 1 */
    {GDPR, "2026-03-31", false, "2026-04-30"}, /* Thu; April has 30 days */
    {GDPR, "2026-05-31", false, "2026-06-30"}, /* Tue */
    {GDPR, "2026-10-31", false, "2026-11-30"}, /* Mon */
    {GDPR, "2025-12-15", false, "2026-01-15"}, /* Thu; December -> January of the next year */
    {GDPR, "2025-12-31", false, "2026-02-02"}, /* Jan 31 2026 is a Sat -> Mon Feb 2 */
    {GDPR, "2026-01-14", false, "2026-02-16"}, /* Feb 14 is a Saturday -> Monday */
    {GDPR, "2026-01-15", false, "2026-02-16"}, /* Feb 15 is a Sunday -> Monday */
    {GDPR, "2026-02-28", false, "2026-03-30"}, /* Mar 28 is a Saturday -> Monday */
    {GDPR, "2024-02-29", false, "2024-03-29"}, /* Fri; from a leap day */
    {GDPR, "2023-02-28", false, "2023-03-28"}, /* Tue; the 28th stays the 28th */
    /* GDPR, extended: three months from receipt by the same rules. */
    {GDPR, "2026-01-31", true, "2026-04-30"}, /* Thu; clamp */
    {GDPR, "2025-11-30", true, "2026-03-02"}, /* clamp to Sat Feb 28 -> Mon Mar 2 */
    {GDPR, "2023-11-30", true, "2024-02-29"}, /* Thu; clamp in a leap year */
    {GDPR, "2025-10-31", true, "2026-02-02"}, /* Jan 31 Sat -> Mon Feb 2, year change */
    {GDPR, "2099-11-30", true, "2100-03-01"}, /* clamp to Sun Feb 28 2100 -> Mon */
    {GDPR, "2026-01-14", true, "2026-04-14"}, /* Tue */
    /* CCPA: calendar days, no weekend rule. */
    {CCPA, "2026-01-01", false, "2026-02-15"}, /* a Sunday, not moved */
    {CCPA, "2025-12-31", false, "2026-02-14"}, /* a Saturday, not moved */
    {CCPA, "2026-01-02", false, "2026-02-16"}, /* Mon */
    {CCPA, "2025-12-01", false, "2026-01-15"}, /* across the year end */
    {CCPA, "2026-11-20", false, "2027-01-04"}, /* across the year end */
    {CCPA, "2024-01-20", false, "2024-03-05"}, /* across Feb 29 */
    {CCPA, "2025-01-20", false, "2025-03-06"}, /* same in a common year: one day later */
    {CCPA, "2000-02-01", false, "2000-03-17"}, /* leap February */
    {CCPA, "2100-02-01", false, "2100-03-18"}, /* 2100: 28-day February */
    {CCPA, "2026-01-01", true, "2026-04-01"},  /* 90 days */
    {CCPA, "2023-12-20", true, "2024-03-19"},  /* 90 days across year end and Feb 29 */
    {CCPA, "2026-11-20", true, "2027-02-18"},  /* 90 days across year end */
};

static void due_dates(void **state) {
  (void)state;
  assert_true(sizeof due_table / sizeof due_table[0] >= 24);
  for (size_t i = 0; i < sizeof due_table / sizeof due_table[0]; i++) {
    char context[64];
    snprintf(context, sizeof context, "row %zu: %s %s%s", i, pd_regime_name(due_table[i].regime),
             due_table[i].received, due_table[i].extended ? " extended" : "");
    pd_date got = pd_due_date(due_table[i].regime, parse(due_table[i].received), due_table[i].extended);
    assert_date_str(got, due_table[i].due, context);
    /* due_at is the last second of the due date, whatever the time of receipt. */
    int64_t received_at = pd_start_of_day(parse(due_table[i].received)) + 12 * 3600 + 34;
    assert_int_equal(pd_due_at(due_table[i].regime, received_at, due_table[i].extended),
                     pd_end_of_day(parse(due_table[i].due)));
  }
}

static void add_months_business(void **state) {
  (void)state;
  assert_date_str(pd_add_months_business(parse("2026-01-31"), 1), "2026-03-02", "Feb 28 2026 is a Sat");
  assert_date_str(pd_add_months_business(parse("2026-01-31"), 0), "2026-02-02", "Jan 31 2026 is a Sat");
  assert_date_str(pd_add_months_business(parse("2026-01-30"), 0), "2026-01-30", "a Friday");
  assert_date_str(pd_add_months_business(parse("2024-02-29"), 12), "2025-02-28", "leap day + 1 year");
  assert_date_str(pd_add_months_business(parse("2025-08-31"), 1), "2025-09-30", "Sept has 30");
  assert_date_str(pd_add_months_business(parse("2025-11-30"), 2), "2026-01-30", "Fri, year change");
  assert_date_str(pd_add_months_business(parse("2026-12-31"), 14), "2028-02-29", "Tue, 2028 leap");
}

static void due_at_uses_utc_date_of_receipt(void **state) {
  (void)state;
  /* 23:59:59Z on Dec 31 is still Dec 31: due Jan 31 (Sat) -> Mon Feb 2. */
  assert_int_equal(pd_due_at(GDPR, T("2025-12-31T23:59:59Z"), false), 1770076799); /* 2026-02-02T23:59:59Z */
  /* The same instant written with an offset lands on the same UTC day. */
  assert_int_equal(pd_due_at(GDPR, T("2026-01-01T00:59:59+01:00"), false), 1770076799);
  /* One second later it is Jan 1 (UTC): due Feb 1 (Sun) -> Mon Feb 2 again. */
  assert_int_equal(pd_due_at(GDPR, T("2026-01-01T00:00:00Z"), false), 1770076799);
  assert_int_equal(pd_due_at(CCPA, T("2026-01-01T00:00:00Z"), false), 1771199999); /* 2026-02-15T23:59:59Z */
  assert_int_equal(pd_due_at(CCPA, T("2026-01-01T23:00:00Z"), true), 1775087999);  /* 2026-04-01T23:59:59Z */
}

static const struct {
  const char *received, *ack_due;
} ack_table[] = {
    {"2026-01-05", "2026-01-19"}, /* Monday -> Monday two weeks later */
    {"2026-01-09", "2026-01-23"}, /* Friday -> Friday two weeks later */
    {"2026-01-10", "2026-01-23"}, /* Saturday: counting starts Monday -> Friday */
    {"2026-01-11", "2026-01-23"}, /* Sunday: same */
    {"2025-12-24", "2026-01-07"}, /* Wednesday, across the year end (holidays not modelled) */
    {"2024-02-23", "2024-03-08"}, /* Friday, across Feb 29 */
};

static void ccpa_ack_dates(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof ack_table / sizeof ack_table[0]; i++)
    assert_date_str(pd_ccpa_ack_due_date(parse(ack_table[i].received)), ack_table[i].ack_due,
                    ack_table[i].received);
}

static void ack_due_at(void **state) {
  (void)state;
  int64_t monday_9am = T("2026-01-05T09:00:00Z");
  assert_int_equal(pd_ack_due_at(CCPA, monday_9am), 1768867199); /* 2026-01-19T23:59:59Z */
  assert_int_equal(pd_ack_due_at(GDPR, monday_9am), 0);           /* GDPR has no ack deadline */
}

/* GDPR request received 2026-01-14T10:00:00Z: first due_at 2026-02-16T23:59:59Z. */
#define RECEIVED 1768384800
#define FIRST_DUE_AT 1771286399

static void can_extend_ok(void **state) {
  (void)state;
  assert_int_equal(pd_due_at(GDPR, RECEIVED, false), FIRST_DUE_AT);
  assert_int_equal(pd_can_extend(GDPR, PD_ST_NEW, RECEIVED, false, RECEIVED), PD_EXTEND_OK);
  assert_int_equal(pd_can_extend(GDPR, PD_ST_IN_PROGRESS, RECEIVED, false, RECEIVED + 86400), PD_EXTEND_OK);
  assert_int_equal(pd_can_extend(GDPR, PD_ST_WAITING, RECEIVED, false, FIRST_DUE_AT - 1), PD_EXTEND_OK);
  assert_int_equal(pd_can_extend(GDPR, PD_ST_VERIFYING, RECEIVED, false, FIRST_DUE_AT - 1), PD_EXTEND_OK);
}

static void can_extend_at_due_second(void **state) {
  (void)state;
  /* The deadline's last second still counts as before the deadline. */
  assert_int_equal(pd_can_extend(GDPR, PD_ST_IN_PROGRESS, RECEIVED, false, FIRST_DUE_AT), PD_EXTEND_OK);
}

static void can_extend_deadline_passed(void **state) {
  (void)state;
  assert_int_equal(pd_can_extend(GDPR, PD_ST_IN_PROGRESS, RECEIVED, false, FIRST_DUE_AT + 1),
                   PD_EXTEND_DEADLINE_PASSED);
  assert_int_equal(pd_can_extend(GDPR, PD_ST_NEW, RECEIVED, false, FIRST_DUE_AT + 86400 * 30),
                   PD_EXTEND_DEADLINE_PASSED);
  /* CCPA: received 2026-01-01, first due 2026-02-15T23:59:59Z. */
  int64_t ccpa_received = T("2026-01-01T00:00:00Z");
  assert_int_equal(pd_can_extend(CCPA, PD_ST_WAITING, ccpa_received, false, 1771199999), PD_EXTEND_OK);
  assert_int_equal(pd_can_extend(CCPA, PD_ST_WAITING, ccpa_received, false, 1771199999 + 1),
                   PD_EXTEND_DEADLINE_PASSED);
}

static void can_extend_already_extended(void **state) {
  (void)state;
  assert_int_equal(pd_can_extend(GDPR, PD_ST_IN_PROGRESS, RECEIVED, true, RECEIVED),
                   PD_EXTEND_ALREADY_EXTENDED);
  /* Checked before the deadline: a second extension is refused as such. */
  assert_int_equal(pd_can_extend(GDPR, PD_ST_IN_PROGRESS, RECEIVED, true, FIRST_DUE_AT + 1),
                   PD_EXTEND_ALREADY_EXTENDED);
}

static void can_extend_closed(void **state) {
  (void)state;
  assert_int_equal(pd_can_extend(GDPR, PD_ST_COMPLETED, RECEIVED, false, RECEIVED), PD_EXTEND_CLOSED);
  assert_int_equal(pd_can_extend(GDPR, PD_ST_REJECTED, RECEIVED, false, RECEIVED), PD_EXTEND_CLOSED);
  /* Closed wins over the other reasons. */
  assert_int_equal(pd_can_extend(CCPA, PD_ST_COMPLETED, RECEIVED, true, FIRST_DUE_AT + 1), PD_EXTEND_CLOSED);
}

static void days_left(void **state) {
  (void)state;
  const int64_t due = 1772409599; /* 2026-03-01T23:59:59Z, a Sunday */
  assert_int_equal(pd_days_left(due, T("2026-03-01T00:00:00Z")), 0); /* due today */
  assert_int_equal(pd_days_left(due, due), 0);
  assert_int_equal(pd_days_left(due, T("2026-02-28T23:59:59Z")), 1); /* tomorrow, across month end */
  assert_int_equal(pd_days_left(due, T("2026-02-28T00:00:00Z")), 1);
  assert_int_equal(pd_days_left(due, T("2026-02-26T12:00:00Z")), 3); /* "3d left" */
  assert_int_equal(pd_days_left(due, T("2026-03-02T00:00:00Z")), -1); /* overdue since yesterday */
  assert_int_equal(pd_days_left(due, T("2026-03-03T18:00:00Z")), -2); /* "overdue 2d" */
  assert_int_equal(pd_days_left(due, T("2026-01-30T00:00:00Z")), 30);
  /* Year end and leap day. */
  assert_int_equal(pd_days_left(T("2026-01-01T23:59:59Z"), T("2025-12-31T08:00:00Z")), 1);
  assert_int_equal(pd_days_left(T("2025-12-31T23:59:59Z"), T("2026-01-01T00:00:00Z")), -1);
  assert_int_equal(pd_days_left(T("2024-03-01T23:59:59Z"), T("2024-02-28T10:00:00Z")), 2);
  assert_int_equal(pd_days_left(T("2025-03-01T23:59:59Z"), T("2025-02-28T10:00:00Z")), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(due_dates),
      cmocka_unit_test(add_months_business),
      cmocka_unit_test(due_at_uses_utc_date_of_receipt),
      cmocka_unit_test(ccpa_ack_dates),
      cmocka_unit_test(ack_due_at),
      cmocka_unit_test(can_extend_ok),
      cmocka_unit_test(can_extend_at_due_second),
      cmocka_unit_test(can_extend_deadline_passed),
      cmocka_unit_test(can_extend_already_extended),
      cmocka_unit_test(can_extend_closed),
      cmocka_unit_test(days_left),
  };
  return cmocka_run_group_tests_name("deadline", tests, NULL, NULL);
}
