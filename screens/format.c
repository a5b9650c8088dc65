#include "screens/format.h"

#include <ctype.h>
#include <stdio.h>

static int64_t utc_day(int64_t t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

int64_t days_left(int64_t due, int64_t now) { return utc_day(due) - utc_day(now); }

void fmt_due(char *buf, size_t size, const struct pd_request *r, int64_t now) {
  fmt_due_of(buf, size, r->status, r->due_at, now);
}

void fmt_due_of(char *buf, size_t size, enum pd_status status, int64_t due_at, int64_t now) {
  if (status == PD_ST_COMPLETED) {
    snprintf(buf, size, "done");
    return;
  }
  if (status == PD_ST_REJECTED) {
    snprintf(buf, size, "rejected");
    return;
  }
  int64_t d = days_left(due_at, now);
  if (now > due_at) {
    snprintf(buf, size, "overdue %lldd", (long long)(d < 0 ? -d : 0));
  } else if (d == 0) {
    snprintf(buf, size, "due today");
  } else {
    snprintf(buf, size, "%lldd left", (long long)d);
  }
}

enum pd_style request_style(const struct pd_request *r, int64_t now) {
  return due_style(r->status, r->due_at, now);
}

enum pd_style due_style(enum pd_status status, int64_t due_at, int64_t now) {
  if (!pd_status_is_open(status)) return PD_STYLE_DIM;
  int64_t d = days_left(due_at, now);
  if (now > due_at || d <= 0) return PD_STYLE_URGENT;
  if (d <= 3) return PD_STYLE_DUE_SOON;
  return PD_STYLE_NORMAL;
}

void fmt_age(char *buf, size_t size, int64_t t, int64_t now) {
  int64_t s = now - t;
  if (t == PD_TIME_NONE || s < 60) {
    snprintf(buf, size, t == PD_TIME_NONE ? "-" : "now");
  } else if (s < 3600) {
    snprintf(buf, size, "%lldm", (long long)(s / 60));
  } else if (s < 86400) {
    snprintf(buf, size, "%lldh", (long long)(s / 3600));
  } else if (s < 14 * 86400) {
    snprintf(buf, size, "%lldd", (long long)(s / 86400));
  } else if (s < 365 * 86400) {
    snprintf(buf, size, "%lldw", (long long)(s / (7 * 86400)));
  } else {
    snprintf(buf, size, "%lldy", (long long)(s / (365 * 86400)));
  }
}

void fmt_time(char *buf, size_t size, int64_t t) {
  if (t == PD_TIME_NONE) {
    snprintf(buf, size, "-");
    return;
  }
  char iso[PD_TIME_BUF];
  if (pd_time_format(t, iso, sizeof iso) != 0) {
    snprintf(buf, size, "?");
    return;
  }
  /* "2026-11-29T16:43:12Z" -> "2026-11-29 16:43" */
  snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
}

void fmt_date(char *buf, size_t size, int64_t t) {
  if (t == PD_TIME_NONE) {
    snprintf(buf, size, "-");
    return;
  }
  if (pd_date_format(t, buf, size) != 0) snprintf(buf, size, "?");
}

void fmt_bytes(char *buf, size_t size, int64_t n) {
  if (n < 1024)
    snprintf(buf, size, "%lld B", (long long)n);
  else if (n < 1024 * 1024)
    snprintf(buf, size, "%.1f KiB", (double)n / 1024);
  else if (n < 1024LL * 1024 * 1024)
    snprintf(buf, size, "%.1f MiB", (double)n / (1024 * 1024));
  else
    snprintf(buf, size, "%.1f GiB", (double)n / (1024.0 * 1024 * 1024));
}

const char *status_label(enum pd_status s) {
  return s == PD_ST_IN_PROGRESS ? "in progress" : pd_status_name(s);
}

bool text_contains(const char *haystack, const char *needle) {
  if (!needle[0]) return true;
  for (; *haystack; haystack++) {
    size_t i = 0;
    while (needle[i] && haystack[i] &&
           tolower((unsigned char)haystack[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (!needle[i]) return true;
  }
  return false;
}
