/* Who may do what (DESIGN.md section 2, "Staff and roles"). */
#ifndef PD_ROLES_H
#define PD_ROLES_H

#include <stdbool.h>

#include "common/vocab.h"

/* X(enum, name, minimum role) -- every write the API offers. */
#define PD_ACTIONS(X) \
  X(PD_ACT_READ, "read", PD_ROLE_VIEWER) \
  X(PD_ACT_PATCH_ACCOUNT, "account.update", PD_ROLE_AGENT) \
  X(PD_ACT_CREATE_REQUEST, "request.create", PD_ROLE_AGENT) \
  X(PD_ACT_ASSIGN, "request.assign", PD_ROLE_AGENT) \
  X(PD_ACT_TRANSITION, "request.transition", PD_ROLE_AGENT) \
  X(PD_ACT_VERIFY, "request.verify", PD_ROLE_AGENT) \
  X(PD_ACT_EXTEND, "request.extend", PD_ROLE_AGENT) \
  X(PD_ACT_NOTE, "request.note", PD_ROLE_AGENT) \
  X(PD_ACT_COMPLETE, "request.complete", PD_ROLE_AGENT) \
  X(PD_ACT_REJECT, "request.reject", PD_ROLE_AGENT) \
  X(PD_ACT_PLACE_HOLD, "hold.place", PD_ROLE_SUPERVISOR) \
  X(PD_ACT_RELEASE_HOLD, "hold.release", PD_ROLE_SUPERVISOR)

enum pd_action {
#define PD_X(e, name, role) e,
  PD_ACTIONS(PD_X)
#undef PD_X
  PD_ACTION_COUNT
};

/* NULL for an unknown action. */
const char *pd_action_name(enum pd_action a);
/* PD_ROLE_COUNT (nobody) for an unknown action. */
enum pd_role pd_action_min_role(enum pd_action a);
/* role >= the action's minimum role; false for an unknown role or action. */
bool pd_role_allows(enum pd_role role, enum pd_action a);

/* Assignment: an agent may take an unassigned request (or one already theirs)
 * and may unassign themselves; giving a request to someone else, or taking one
 * assigned to someone else, needs a supervisor. Names are user names; NULL is
 * "unassigned". Viewers may not assign at all. For an agent the rule is: current
 * and next are each NULL or the actor (so a no-op NULL -> NULL is allowed too);
 * a NULL actor is refused. Names compare exactly (strcmp). */
bool pd_assign_allowed(enum pd_role role, const char *actor, const char *current, const char *next);

#endif
