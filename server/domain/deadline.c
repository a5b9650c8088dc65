/* Legal deadlines of rights requests; the rules are spelled out in deadline.h. */
#include "server/domain/deadline.h"

#define GDPR_MONTHS 1
#define GDPR_EXTENDED_MONTHS 3 /* one month plus "two further months" (Art. 12(3)) */
#define CCPA_DAYS 45
#define CCPA_EXTENDED_DAYS 90 /* 45 plus one extension by 45 */
#define CCPA_ACK_BUSINESS_DAYS 10

enum { SATURDAY = 5, SUNDAY = 6 };

static pd_date next_business_day_if_weekend(pd_date d) {
  switch (pd_weekday(d)) {
  case SATURDAY: return pd_date_add_days(d, 2);
  case SUNDAY: return pd_date_add_days(d, 1);
  default: return d;
  }
}

/* Same day of the month `months` later; a month without that day (31 Jan + 1)
 * gives its last day instead of spilling into the next month. */
static pd_date add_months_clamped(pd_date from, int months) {
  int64_t index = (int64_t)from.year * 12 + (from.month - 1) + months; /* months since year 0 */
  int64_t year = index / 12, month0 = index % 12;
  if (month0 < 0) { /* floor, for dates before year 0 */
    month0 += 12;
    year -= 1;
  }
  pd_date d = {(int)year, (int)month0 + 1, from.day};
  int last = pd_days_in_month(d.year, d.month);
  if (d.day > last) d.day = last;
  return d;
}

pd_date pd_add_months_business(pd_date from, int months) {
  return next_business_day_if_weekend(add_months_clamped(from, months));
}

pd_date pd_due_date(enum pd_regime regime, pd_date received, bool extended) {
  if (regime == PD_REGIME_CCPA)
    return pd_date_add_days(received, extended ? CCPA_EXTENDED_DAYS : CCPA_DAYS);
  /* GDPR, and the fallback for an unknown regime: the stricter clock. */
  return pd_add_months_business(received, extended ? GDPR_EXTENDED_MONTHS : GDPR_MONTHS);
}

int64_t pd_due_at(enum pd_regime regime, int64_t received_at, bool extended) {
  return pd_end_of_day(pd_due_date(regime, pd_date_of(received_at), extended));
}

pd_date pd_ccpa_ack_due_date(pd_date received) {
  /* Count forward from the day after receipt; the receipt day itself is day 0
   * whatever day of the week it is. */
  pd_date d = received;
  for (int counted = 0; counted < CCPA_ACK_BUSINESS_DAYS;) {
    d = pd_date_add_days(d, 1);
    if (pd_weekday(d) < SATURDAY) counted++;
  }
  return d;
}

int64_t pd_ack_due_at(enum pd_regime regime, int64_t received_at) {
  if (regime != PD_REGIME_CCPA) return 0;
  return pd_end_of_day(pd_ccpa_ack_due_date(pd_date_of(received_at)));
}

enum pd_extend_verdict pd_can_extend(enum pd_regime regime, enum pd_status status, int64_t received_at,
                                     bool extended, int64_t now) {
  if (!pd_status_is_open(status)) return PD_EXTEND_CLOSED;
  if (extended) return PD_EXTEND_ALREADY_EXTENDED;
  /* The deadline is the last second of its day: extending during it is still in time. */
  if (now > pd_due_at(regime, received_at, false)) return PD_EXTEND_DEADLINE_PASSED;
  return PD_EXTEND_OK;
}

int64_t pd_days_left(int64_t due_at, int64_t now) {
  return pd_date_to_days(pd_date_of(due_at)) - pd_date_to_days(pd_date_of(now));
}
