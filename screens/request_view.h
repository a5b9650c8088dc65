/* The request detail as lines of a detail pane: fields, countdown, details,
 * outcome and timeline. Pure formatting; the request screen owns the pane. */
#ifndef PD_SCREENS_REQUEST_VIEW_H
#define PD_SCREENS_REQUEST_VIEW_H

#include <stdint.h>

#include "api/models.h"
#include "tui/detail.h"

void request_view_fill(struct pd_detail *d, const struct pd_request *r, int64_t now);

#endif
