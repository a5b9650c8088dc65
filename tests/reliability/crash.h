/* test_crash (test_crash.c): what its run and its checks (crash_check.c)
 * share: the workflow every client thread drives, the guarantees a check can
 * find broken, and the state of the run. */
#ifndef PD_TEST_CRASH_H
#define PD_TEST_CRASH_H

#include <pthread.h>
#include <stdbool.h>

#include "tests/harness/server.h"
#include "tests/reliability/rclient.h"

/* The eleven writes of a workflow, in order. */
enum step {
  S_CREATE, S_NOTE1, S_ASSIGN, S_PATCH, S_HOLD, S_TO_VERIFYING, S_VERIFY, S_TO_IN_PROGRESS, S_NOTE2, S_RELEASE,
  S_COMPLETE, N_STEPS
};
extern const char *const step_names[N_STEPS];
extern const char *const step_action[N_STEPS]; /* the audit action each step appends */
extern const long step_status[N_STEPS];       /* its success status */

/* The distinct audit actions of a workflow. */
enum { N_ACTIONS = 9 };
extern const char *const actions[N_ACTIONS];
int action_index(const char *a); /* -1 when not one of them */

struct wf {
  int idx;
  char account[32], email[256];
  bool marketing_before;
  int audit_base[N_ACTIONS]; /* audit entries of the account before the workflow */
  char old_requests[8][32];  /* closed requests the account had before (seeded) */
  int n_old_requests;
  char request[32], hold[32];
  char req_etag[64], hold_etag[64], acct_etag[64];
  int next;          /* the step to do next; steps before it are applied */
  bool started, broken;
  bool touched;      /* written since the last check */
  bool in_doubt;     /* step `next` was sent and its answer lost */
  bool checked;      /* the check after the kill decided whether it was applied */
  bool doubt_applied;
};

/* The guarantees a check can find broken. */
enum vkind { V_INFRA, V_ACKED, V_HALF, V_DOUBLE, V_CHAIN, V_INTEGRITY, V_FINAL, N_VKINDS };
void violation(enum vkind k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The run's state (test_crash.c). */
extern pthread_mutex_t mu;
extern struct pd_test_server srv;
extern struct wf *wfs;
extern int n_wfs;
extern char run_tag[16];
extern long long audit_entries0; /* audit entries after the set-up */
extern int checks, integrity_checks, doubt_applied, doubt_not_applied;

/* crash_check.c: checks every workflow touched since the last check (all
 * when `all`) and the audit chain, the server up and the clients paused. */
void check_all(struct rc *c, bool all, bool after_kill);
/* PRAGMA integrity_check on the database, with the server down. */
void integrity_check(const char *when);

#endif
