/* Who may do what: server/domain/roles.h, against the role table in DESIGN.md
 * ("Staff and roles") and the per-endpoint roles in docs/api.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/domain/roles.h"

static const struct {
  enum pd_action action;
  const char *name;
  bool viewer, agent, supervisor;
} table[] = {
    {PD_ACT_READ, "read", true, true, true},
    {PD_ACT_PATCH_ACCOUNT, "account.update", false, true, true},
    {PD_ACT_CREATE_REQUEST, "request.create", false, true, true},
    {PD_ACT_ASSIGN, "request.assign", false, true, true},
    {PD_ACT_TRANSITION, "request.transition", false, true, true},
    {PD_ACT_VERIFY, "request.verify", false, true, true},
    {PD_ACT_EXTEND, "request.extend", false, true, true},
    {PD_ACT_NOTE, "request.note", false, true, true},
    {PD_ACT_COMPLETE, "request.complete", false, true, true},
    {PD_ACT_REJECT, "request.reject", false, true, true},
    {PD_ACT_PLACE_HOLD, "hold.place", false, false, true},
    {PD_ACT_RELEASE_HOLD, "hold.release", false, false, true},
};

static void every_action_and_role(void **state) {
  (void)state;
  assert_int_equal(sizeof table / sizeof table[0], PD_ACTION_COUNT);
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    enum pd_action a = table[i].action;
    assert_string_equal(pd_action_name(a), table[i].name);
    if (pd_role_allows(PD_ROLE_VIEWER, a) != table[i].viewer) fail_msg("viewer %s", table[i].name);
    if (pd_role_allows(PD_ROLE_AGENT, a) != table[i].agent) fail_msg("agent %s", table[i].name);
    if (pd_role_allows(PD_ROLE_SUPERVISOR, a) != table[i].supervisor) fail_msg("supervisor %s", table[i].name);
  }
}

static void minimum_roles(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    enum pd_role want = table[i].viewer ? PD_ROLE_VIEWER : table[i].agent ? PD_ROLE_AGENT : PD_ROLE_SUPERVISOR;
    assert_int_equal(pd_action_min_role(table[i].action), want);
  }
}

static void unknown_actions_and_roles(void **state) {
  (void)state;
  assert_null(pd_action_name(PD_ACTION_COUNT));
  assert_null(pd_action_name((enum pd_action)-1));
  assert_int_equal(pd_action_min_role(PD_ACTION_COUNT), PD_ROLE_COUNT);
  assert_false(pd_role_allows(PD_ROLE_SUPERVISOR, PD_ACTION_COUNT));
  assert_false(pd_role_allows(PD_ROLE_COUNT, PD_ACT_READ));
  assert_false(pd_role_allows((enum pd_role)-1, PD_ACT_READ));
}

/* Audit actions in docs/api.md that the write actions must be named after. */
static void names_are_audit_actions(void **state) {
  (void)state;
  static const char *const audit_actions[] = {
      "account.update", "request.create", "request.assign", "request.transition", "request.verify",
      "request.extend", "request.note",   "request.complete", "request.reject", "hold.place", "hold.release",
  };
  for (int a = 0; a < PD_ACTION_COUNT; a++) {
    if (a == PD_ACT_READ) continue;
    bool found = false;
    for (size_t i = 0; i < sizeof audit_actions / sizeof audit_actions[0]; i++)
      found = found || strcmp(audit_actions[i], pd_action_name((enum pd_action)a)) == 0;
    if (!found) fail_msg("%s is not an audit action", pd_action_name((enum pd_action)a));
  }
}

static void agent_assignment(void **state) {
  (void)state;
  const enum pd_role A = PD_ROLE_AGENT;
  assert_true(pd_assign_allowed(A, "alice", NULL, "alice"));     /* takes an unassigned request */
  assert_true(pd_assign_allowed(A, "alice", "alice", "alice"));  /* keeps their own */
  assert_true(pd_assign_allowed(A, "alice", "alice", NULL));     /* unassigns themselves */
  assert_true(pd_assign_allowed(A, "alice", NULL, NULL));        /* no-op */
  assert_false(pd_assign_allowed(A, "alice", "bob", "alice"));   /* takes another's */
  assert_false(pd_assign_allowed(A, "alice", "bob", NULL));      /* unassigns another */
  assert_false(pd_assign_allowed(A, "alice", "bob", "bob"));     /* touches another's */
  assert_false(pd_assign_allowed(A, "alice", NULL, "bob"));      /* assigns to another */
  assert_false(pd_assign_allowed(A, "alice", "alice", "bob"));   /* hands own to another */
  assert_false(pd_assign_allowed(A, "alice", "alice2", "alice")); /* exact names, no prefixes */
  assert_false(pd_assign_allowed(A, "alice", "Alice", "alice"));  /* case-sensitive */
  assert_false(pd_assign_allowed(A, NULL, NULL, NULL));           /* no actor */
}

static void supervisor_assignment(void **state) {
  (void)state;
  const enum pd_role S = PD_ROLE_SUPERVISOR;
  assert_true(pd_assign_allowed(S, "sam", NULL, "sam"));
  assert_true(pd_assign_allowed(S, "sam", NULL, "alice"));
  assert_true(pd_assign_allowed(S, "sam", "alice", "bob"));
  assert_true(pd_assign_allowed(S, "sam", "alice", NULL));
  assert_true(pd_assign_allowed(S, "sam", "alice", "sam"));
  assert_true(pd_assign_allowed(S, "sam", "sam", NULL));
}

static void viewer_assignment(void **state) {
  (void)state;
  const enum pd_role V = PD_ROLE_VIEWER;
  assert_false(pd_assign_allowed(V, "val", NULL, "val"));
  assert_false(pd_assign_allowed(V, "val", "val", NULL));
  assert_false(pd_assign_allowed(V, "val", "val", "val"));
  assert_false(pd_assign_allowed(V, "val", NULL, NULL));
  assert_false(pd_assign_allowed(V, "val", "alice", "bob"));
  assert_false(pd_assign_allowed(PD_ROLE_COUNT, "x", NULL, "x"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_action_and_role),
      cmocka_unit_test(minimum_roles),
      cmocka_unit_test(unknown_actions_and_roles),
      cmocka_unit_test(names_are_audit_actions),
      cmocka_unit_test(agent_assignment),
      cmocka_unit_test(supervisor_assignment),
      cmocka_unit_test(viewer_assignment),
  };
  return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
