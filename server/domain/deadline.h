/* Legal deadlines of rights requests (DESIGN.md section 2).
 *
 * GDPR Art. 12(3): one month from receipt -- the same day of the next month, or
 * the last day of that month when it has no such day; a Saturday or Sunday moves
 * to the following Monday. One extension, with a reason and only before the first
 * deadline passes, makes it three months from receipt by the same rules.
 * CCPA: 45 calendar days from receipt, one extension by 45 more; receipt must be
 * acknowledged within 10 business days (Monday to Friday; public holidays are
 * not modelled). A deadline falls due at the end of its day (23:59:59 UTC). */
#ifndef PD_DEADLINE_H
#define PD_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/vocab.h"
#include "server/domain/dates.h"

/* Same day `months` later, clamped to that month's last day; weekends -> Monday. */
pd_date pd_add_months_business(pd_date from, int months);
/* The date a request is due. */
pd_date pd_due_date(enum pd_regime regime, pd_date received, bool extended);
/* pd_end_of_day(pd_due_date(...)): the due_at of a request received at `received_at`. */
int64_t pd_due_at(enum pd_regime regime, int64_t received_at, bool extended);
/* CCPA only: the date receipt must be acknowledged by (10 business days after receipt). */
pd_date pd_ccpa_ack_due_date(pd_date received);
/* ack_due_at for a request, or 0 when the regime has none (GDPR). */
int64_t pd_ack_due_at(enum pd_regime regime, int64_t received_at);

enum pd_extend_verdict {
  PD_EXTEND_OK,
  PD_EXTEND_ALREADY_EXTENDED, /* one extension only */
  PD_EXTEND_DEADLINE_PASSED,  /* the first deadline has passed */
  PD_EXTEND_CLOSED,           /* the request is completed or rejected */
};
/* May a request be extended now? Checks, in order: closed, already extended,
 * first deadline passed (now > first due_at). */
enum pd_extend_verdict pd_can_extend(enum pd_regime regime, enum pd_status status, int64_t received_at,
                                     bool extended, int64_t now);

/* Whole days from `now`'s date to the due date: 0 = due today, 3 = due in 3 days,
 * -2 = overdue by 2 days. Overdue starts the day after the due date. */
int64_t pd_days_left(int64_t due_at, int64_t now);

#endif
