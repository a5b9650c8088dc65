/* Civil dates and RFC 3339: server/domain/dates.h.
 * Expected Unix times come from GNU date, e.g. `date -u -d 2026-11-29T16:43:12Z +%s`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/domain/dates.h"

static pd_date D(int y, int m, int d) { return (pd_date){y, m, d}; }

static void assert_date(pd_date got, int y, int m, int d) {
  char buf[PD_DATE_LEN], want[PD_DATE_LEN];
  pd_format_date(got, buf);
  pd_format_date(D(y, m, d), want);
  assert_string_equal(buf, want);
  assert_int_equal(got.year, y);
  assert_int_equal(got.month, m);
  assert_int_equal(got.day, d);
}

static void leap_years(void **state) {
  (void)state;
  assert_true(pd_is_leap_year(2024));
  assert_true(pd_is_leap_year(2000)); /* divisible by 400 */
  assert_true(pd_is_leap_year(1600));
  assert_true(pd_is_leap_year(0));
  assert_false(pd_is_leap_year(2100)); /* divisible by 100, not 400 */
  assert_false(pd_is_leap_year(1900));
  assert_false(pd_is_leap_year(2025));
  assert_false(pd_is_leap_year(2026));
}

static void days_in_month(void **state) {
  (void)state;
  static const int common[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; m++) {
    assert_int_equal(pd_days_in_month(2025, m), common[m - 1]);
    assert_int_equal(pd_days_in_month(2024, m), m == 2 ? 29 : common[m - 1]);
  }
  assert_int_equal(pd_days_in_month(2100, 2), 28);
  assert_int_equal(pd_days_in_month(2000, 2), 29);
  assert_int_equal(pd_days_in_month(2025, 0), 0);
  assert_int_equal(pd_days_in_month(2025, 13), 0);
}

static void date_valid(void **state) {
  (void)state;
  assert_true(pd_date_valid(D(2024, 2, 29)));
  assert_true(pd_date_valid(D(2000, 2, 29)));
  assert_true(pd_date_valid(D(0, 1, 1)));
  assert_true(pd_date_valid(D(9999, 12, 31)));
  assert_false(pd_date_valid(D(2025, 2, 29)));
  assert_false(pd_date_valid(D(2100, 2, 29)));
  assert_false(pd_date_valid(D(2026, 4, 31)));
  assert_false(pd_date_valid(D(2026, 0, 1)));
  assert_false(pd_date_valid(D(2026, 13, 1)));
  assert_false(pd_date_valid(D(2026, 1, 0)));
  assert_false(pd_date_valid(D(2026, 1, 32)));
  assert_false(pd_date_valid(D(-1, 12, 31)));
  assert_false(pd_date_valid(D(10000, 1, 1)));
}

static void known_day_numbers(void **state) {
  (void)state;
  assert_int_equal(pd_date_to_days(D(1970, 1, 1)), 0);
  assert_int_equal(pd_date_to_days(D(1969, 12, 31)), -1);
  assert_int_equal(pd_date_to_days(D(2000, 3, 1)), 11017);            /* 951868800 / 86400 */
  assert_int_equal(pd_date_to_days(D(1900, 1, 1)), -2208988800 / 86400);
  assert_int_equal(pd_date_to_days(D(0, 1, 1)), -62167219200 / 86400);
  assert_int_equal(pd_date_to_days(D(9999, 12, 31)), 253402300799 / 86400);
  assert_date(pd_date_from_days(0), 1970, 1, 1);
  assert_date(pd_date_from_days(-1), 1969, 12, 31);
  assert_date(pd_date_from_days(11017), 2000, 3, 1);
  assert_date(pd_date_from_days(11016), 2000, 2, 29);
}

/* Every day from year 0 to 9999 maps back to itself, and consecutive day
 * numbers are consecutive dates (checked against an independent day stepper). */
static void day_numbers_round_trip(void **state) {
  (void)state;
  pd_date d = D(0, 1, 1);
  int64_t n = pd_date_to_days(d);
  while (d.year <= 9999) {
    pd_date back = pd_date_from_days(n);
    assert_int_equal(pd_date_cmp(back, d), 0);
    assert_int_equal(pd_date_to_days(d), n);
    if (++d.day > pd_days_in_month(d.year, d.month)) {
      d.day = 1;
      if (++d.month > 12) {
        d.month = 1;
        d.year++;
      }
    }
    n++;
  }
}

static void weekdays(void **state) {
  (void)state;
  assert_int_equal(pd_weekday(D(1970, 1, 1)), 3); /* Thursday */
  assert_int_equal(pd_weekday(D(1969, 12, 31)), 2);
  assert_int_equal(pd_weekday(D(2026, 11, 29)), 6); /* Sunday */
  assert_int_equal(pd_weekday(D(2026, 3, 2)), 0);   /* Monday */
  assert_int_equal(pd_weekday(D(2026, 1, 31)), 5);  /* Saturday */
  assert_int_equal(pd_weekday(D(2000, 3, 1)), 2);   /* Wednesday */
  assert_int_equal(pd_weekday(D(1900, 1, 1)), 0);   /* Monday */
  assert_int_equal(pd_weekday(D(0, 1, 1)), 5);      /* Saturday (proleptic) */
  assert_int_equal(pd_weekday(D(2100, 2, 28)), 6);  /* Sunday */
}

static void add_days_and_compare(void **state) {
  (void)state;
  assert_date(pd_date_add_days(D(2024, 2, 28), 1), 2024, 2, 29);
  assert_date(pd_date_add_days(D(2025, 2, 28), 1), 2025, 3, 1);
  assert_date(pd_date_add_days(D(2025, 12, 31), 1), 2026, 1, 1);
  assert_date(pd_date_add_days(D(2026, 1, 1), -1), 2025, 12, 31);
  assert_date(pd_date_add_days(D(2026, 1, 1), 0), 2026, 1, 1);
  assert_date(pd_date_add_days(D(2026, 1, 1), 365), 2027, 1, 1);
  assert_int_equal(pd_date_cmp(D(2026, 1, 1), D(2026, 1, 1)), 0);
  assert_int_equal(pd_date_cmp(D(2025, 12, 31), D(2026, 1, 1)), -1);
  assert_int_equal(pd_date_cmp(D(2026, 2, 1), D(2026, 1, 31)), 1);
  assert_int_equal(pd_date_cmp(D(2026, 1, 2), D(2026, 1, 1)), 1);
  assert_int_equal(pd_date_cmp(D(2026, 1, 1), D(2026, 1, 2)), -1);
}

static void date_of_and_day_bounds(void **state) {
  (void)state;
  assert_date(pd_date_of(0), 1970, 1, 1);
  assert_date(pd_date_of(86399), 1970, 1, 1);
  assert_date(pd_date_of(86400), 1970, 1, 2);
  assert_date(pd_date_of(-1), 1969, 12, 31); /* floor, not truncation */
  assert_date(pd_date_of(-86400), 1969, 12, 31);
  assert_date(pd_date_of(-86401), 1969, 12, 30);
  assert_date(pd_date_of(1795970592), 2026, 11, 29);
  assert_int_equal(pd_start_of_day(D(2026, 11, 29)), 1795970592 - (16 * 3600 + 43 * 60 + 12));
  assert_int_equal(pd_end_of_day(D(2026, 1, 31)), 1769903999);
  assert_int_equal(pd_end_of_day(D(1969, 12, 31)), -1);
  assert_int_equal(pd_start_of_day(D(1970, 1, 1)), 0);
}

static void format_time(void **state) {
  (void)state;
  char buf[PD_RFC3339_LEN];
  assert_string_equal(pd_format_time(0, buf), "1970-01-01T00:00:00Z");
  assert_string_equal(pd_format_time(1795970592, buf), "2026-11-29T16:43:12Z");
  assert_string_equal(pd_format_time(-1, buf), "1969-12-31T23:59:59Z");
  assert_string_equal(pd_format_time(1709208000, buf), "2024-02-29T12:00:00Z");
  assert_string_equal(pd_format_time(-62167219200, buf), "0000-01-01T00:00:00Z");
  assert_string_equal(pd_format_time(253402300799, buf), "9999-12-31T23:59:59Z");
  /* Out of the four-digit range: clamped, never longer than the buffer. */
  assert_string_equal(pd_format_time(253402300800, buf), "9999-12-31T23:59:59Z");
  assert_string_equal(pd_format_time(INT64_MAX, buf), "9999-12-31T23:59:59Z");
  assert_string_equal(pd_format_time(INT64_MIN, buf), "0000-01-01T00:00:00Z");
  assert_int_equal(strlen(buf), PD_RFC3339_LEN - 1);
}

static void format_date(void **state) {
  (void)state;
  char buf[PD_DATE_LEN];
  assert_string_equal(pd_format_date(D(2026, 3, 1), buf), "2026-03-01");
  assert_string_equal(pd_format_date(D(7, 12, 9), buf), "0007-12-09");
  assert_string_equal(pd_format_date(D(12345, 1, 1), buf), "9999-12-31");
  assert_string_equal(pd_format_date(D(-5, 1, 1), buf), "0000-01-01");
}

static void parse_good_times(void **state) {
  (void)state;
  static const struct {
    const char *in;
    int64_t want;
  } good[] = {
      {"2026-11-29T16:43:12Z", 1795970592},
      {"2026-11-29t16:43:12z", 1795970592},
      {"2026-11-29T16:43:12.999Z", 1795970592}, /* fractions are truncated */
      {"2026-11-29T16:43:12.0Z", 1795970592},
      {"2026-11-29T16:43:12.123456789012+00:00", 1795970592},
      {"2026-11-29T16:43:12-00:00", 1795970592},
      {"2026-03-01T12:00:00+05:30", 1772346600},  /* 06:30:00Z */
      {"2026-12-31T20:00:00-08:00", 1798776000},  /* 2027-01-01T04:00:00Z */
      {"2026-03-01T00:30:00+23:59", 1772238660}, /* 2026-02-28T00:31:00Z */
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1},
      {"2024-02-29T12:00:00Z", 1709208000},
      {"2000-02-29T00:00:00Z", 951782400},
      {"0000-01-01T00:00:00Z", -62167219200},
      {"9999-12-31T23:59:59Z", 253402300799},
      {"9999-12-31T23:59:59.999999Z", 253402300799},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    int64_t t = 42;
    if (!pd_parse_time(good[i].in, &t)) fail_msg("rejected %s", good[i].in);
    assert_int_equal(t, good[i].want);
  }
}

static void parse_bad_times(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "2026-13-01T00:00:00Z", /* month 13 */
      "2026-00-01T00:00:00Z",
      "2026-02-30T00:00:00Z", /* Feb 30 */
      "2025-02-29T00:00:00Z", /* not a leap year */
      "2100-02-29T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-32T00:00:00Z",
      "2026-01-01T24:00:00Z", /* hour 24 */
      "2026-01-01T00:60:00Z",
      "2016-12-31T23:59:60Z", /* leap second */
      "2026-01-01T00:00:00",  /* missing Z */
      "2026-01-01T00:00:00Z ", /* trailing space */
      " 2026-01-01T00:00:00Z",
      "2026-01-01T00:00:00ZZ",
      "2026-01-01T00:00:00Z\n",
      "2026-1-01T00:00:00Z",
      "2026-01-1T00:00:00Z",
      "26-01-01T00:00:00Z",
      "+2026-01-01T00:00:00Z",
      "20260101T000000Z", /* ISO 8601 basic format is not RFC 3339 */
      "2026-01-01 00:00:00Z", /* space separator */
      "2026-01-01X00:00:00Z",
      "2026-01-01",
      "2026-01-01T00:00Z",
      "2026-01-01T0:00:00Z",
      "2026-01-01T00:00:00.Z",   /* empty fraction */
      "2026-01-01T00:00:00,5Z",  /* comma fraction */
      "2026-01-01T00:00:00+0530",
      "2026-01-01T00:00:00+05",
      "2026-01-01T00:00:00+05:3",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00+05:60",
      "2026-01-01T00:00:00 +05:00",
      "2026-01-01T00:00:00UTC",
      "2026-01-01T00:00:00.5",
      "2026-01-01T00:00:0a Z",
      "9999-12-31T23:00:00-05:00", /* year 10000 in UTC */
      "0000-01-01T00:00:00+00:01", /* year -1 in UTC */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t t = 42;
    if (pd_parse_time(bad[i], &t)) fail_msg("accepted \"%s\"", bad[i]);
    assert_int_equal(t, 42); /* untouched on failure */
  }
  int64_t t = 42;
  assert_false(pd_parse_time(NULL, &t));
  assert_false(pd_parse_time("2026-01-01T00:00:00Z", NULL));
  /* An embedded NUL ends the string: what follows is never looked at. */
  assert_true(pd_parse_time("2026-01-01T00:00:00Z\0garbage", &t));
}

static void parse_dates(void **state) {
  (void)state;
  pd_date d = D(1, 1, 1);
  assert_true(pd_parse_date("2026-03-01", &d));
  assert_date(d, 2026, 3, 1);
  assert_true(pd_parse_date("2024-02-29", &d));
  assert_date(d, 2024, 2, 29);
  assert_true(pd_parse_date("2000-02-29", &d));
  static const char *const bad[] = {
      "", "2025-02-29", "2100-02-29", "2026-13-01", "2026-00-01", "2026-01-00", "2026-1-01", "2026-01-1",
      "2026-01-01 ", " 2026-01-01", "2026-01-01T00:00:00Z", "2026/01/01", "20260101", "2026-01-0x",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    d = D(1, 1, 1);
    if (pd_parse_date(bad[i], &d)) fail_msg("accepted \"%s\"", bad[i]);
    assert_date(d, 1, 1, 1);
  }
  assert_false(pd_parse_date(NULL, &d));
  assert_false(pd_parse_date("2026-01-01", NULL));
}

static void round_trips(void **state) {
  (void)state;
  /* Canonical strings survive parse -> format unchanged... */
  static const char *const canon[] = {
      "2026-11-29T16:43:12Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
      "2000-02-29T23:59:59Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
  };
  char buf[PD_RFC3339_LEN];
  for (size_t i = 0; i < sizeof canon / sizeof canon[0]; i++) {
    int64_t t;
    assert_true(pd_parse_time(canon[i], &t));
    assert_string_equal(pd_format_time(t, buf), canon[i]);
  }
  /* ...other forms come back normalised to UTC, second precision. */
  int64_t t;
  assert_true(pd_parse_time("2026-03-01T12:00:00.75+05:30", &t));
  assert_string_equal(pd_format_time(t, buf), "2026-03-01T06:30:00Z");
  assert_true(pd_parse_time("2026-12-31t20:00:00-08:00", &t));
  assert_string_equal(pd_format_time(t, buf), "2027-01-01T04:00:00Z");
  /* ...and every time (stepping by an odd amount) survives format -> parse. */
  for (int64_t u = -62167219200; u <= 253402300799; u += 7777777 * 13 + 1) {
    int64_t back;
    assert_true(pd_parse_time(pd_format_time(u, buf), &back));
    assert_int_equal(back, u);
  }
  char dbuf[PD_DATE_LEN];
  pd_date d;
  assert_true(pd_parse_date("2100-02-28", &d));
  assert_string_equal(pd_format_date(d, dbuf), "2100-02-28");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(leap_years),
      cmocka_unit_test(days_in_month),
      cmocka_unit_test(date_valid),
      cmocka_unit_test(known_day_numbers),
      cmocka_unit_test(day_numbers_round_trip),
      cmocka_unit_test(weekdays),
      cmocka_unit_test(add_days_and_compare),
      cmocka_unit_test(date_of_and_day_bounds),
      cmocka_unit_test(format_time),
      cmocka_unit_test(format_date),
      cmocka_unit_test(parse_good_times),
      cmocka_unit_test(parse_bad_times),
      cmocka_unit_test(parse_dates),
      cmocka_unit_test(round_trips),
  };
  return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
