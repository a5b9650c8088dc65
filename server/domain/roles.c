/* Who may do what; the table is the PD_ACTIONS X-macro in roles.h. */
#include "server/domain/roles.h"

#include <stddef.h>
#include <string.h>

static const char *const action_names[PD_ACTION_COUNT] = {
#define PD_X(e, name, role) [e] = name,
  PD_ACTIONS(PD_X)
#undef PD_X
};

static const enum pd_role action_roles[PD_ACTION_COUNT] = {
#define PD_X(e, name, role) [e] = role,
  PD_ACTIONS(PD_X)
#undef PD_X
};

const char *pd_action_name(enum pd_action a) {
  return (unsigned)a < PD_ACTION_COUNT ? action_names[a] : NULL;
}

enum pd_role pd_action_min_role(enum pd_action a) {
  return (unsigned)a < PD_ACTION_COUNT ? action_roles[a] : PD_ROLE_COUNT;
}

bool pd_role_allows(enum pd_role role, enum pd_action a) {
  /* Roles are ordered viewer < agent < supervisor; each may do all a lower one may. */
  return (unsigned)role < PD_ROLE_COUNT && (unsigned)a < PD_ACTION_COUNT && role >= action_roles[a];
}

/* NULL (unassigned) or the actor themselves. */
static bool nobody_or_self(const char *name, const char *actor) {
  return name == NULL || strcmp(name, actor) == 0;
}

bool pd_assign_allowed(enum pd_role role, const char *actor, const char *current, const char *next) {
  if (!pd_role_allows(role, PD_ACT_ASSIGN)) return false;
  if (role == PD_ROLE_SUPERVISOR) return true;
  /* An agent only moves a request between nobody and themselves. */
  return actor != NULL && nobody_or_self(current, actor) && nobody_or_self(next, actor);
}
