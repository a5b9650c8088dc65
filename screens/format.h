/* Text for the console's columns and fields: deadlines as "3d left" /
 * "overdue 2d", ages, times, sizes, and the style a deadline is drawn in.
 * Times are UTC throughout, like the backend's deadlines. */
#ifndef PD_SCREENS_FORMAT_H
#define PD_SCREENS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/models.h"
#include "tui/theme.h"

/* Whole days from now's date to the date of `due` (UTC): 0 today, < 0 overdue. */
int64_t days_left(int64_t due, int64_t now);
/* "overdue 2d", "due today", "3d left"; closed requests: "done" / "rejected". */
void fmt_due(char *buf, size_t size, const struct pd_request *r, int64_t now);
/* Style of a request row: urgent (overdue or due today), due soon (<= 3 days), dim (closed). */
enum pd_style request_style(const struct pd_request *r, int64_t now);
/* The same two from the status and due date alone (the queue keeps only those). */
void fmt_due_of(char *buf, size_t size, enum pd_status status, int64_t due_at, int64_t now);
enum pd_style due_style(enum pd_status status, int64_t due_at, int64_t now);
/* "now", "45m", "5h", "3d", "7w", "2y" since t. */
void fmt_age(char *buf, size_t size, int64_t t, int64_t now);
/* "2026-11-29 16:43" UTC, or "-" for PD_TIME_NONE. */
void fmt_time(char *buf, size_t size, int64_t t);
/* "2026-11-29", or "-" for PD_TIME_NONE. */
void fmt_date(char *buf, size_t size, int64_t t);
/* "512 B", "4.1 KiB", "12.0 MiB". */
void fmt_bytes(char *buf, size_t size, int64_t n);
/* ASCII case-insensitive substring test (an empty needle matches). */
bool text_contains(const char *haystack, const char *needle);

/* "in_progress" -> "in progress" */
const char *status_label(enum pd_status s);

#endif
