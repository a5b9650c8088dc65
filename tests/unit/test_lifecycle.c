/* The request status machine: server/domain/lifecycle.h. The expectations are
 * written out as tables from DESIGN.md section 2, not derived from the code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "server/domain/lifecycle.h"

#define OK PD_OK
#define BAD PD_NO_INVALID_TRANSITION
#define IDV PD_NO_IDENTITY_NOT_VERIFIED
#define WHY PD_NO_REASON_REQUIRED

static const char *st(int s) { return pd_status_name((enum pd_status)s); }

/* transitions[from][to]: new -> verifying -> in_progress <-> waiting, nothing else. */
static const enum pd_verdict transitions[PD_STATUS_COUNT][PD_STATUS_COUNT] = {
    /*                 new  verifying in_progress waiting completed rejected */
    [PD_ST_NEW] =         {BAD, OK,  BAD, BAD, BAD, BAD},
    [PD_ST_VERIFYING] =   {BAD, BAD, OK,  BAD, BAD, BAD},
    [PD_ST_IN_PROGRESS] = {BAD, BAD, BAD, OK,  BAD, BAD},
    [PD_ST_WAITING] =     {BAD, BAD, OK,  BAD, BAD, BAD},
    [PD_ST_COMPLETED] =   {BAD, BAD, BAD, BAD, BAD, BAD},
    [PD_ST_REJECTED] =    {BAD, BAD, BAD, BAD, BAD, BAD},
};

static void transition_table(void **state) {
  (void)state;
  for (int from = 0; from < PD_STATUS_COUNT; from++)
    for (int to = 0; to < PD_STATUS_COUNT; to++) {
      enum pd_verdict got = pd_check_transition((enum pd_status)from, (enum pd_status)to);
      if (got != transitions[from][to])
        fail_msg("%s -> %s: got %d, want %d", st(from), st(to), got, transitions[from][to]);
    }
  assert_int_equal(pd_check_transition(PD_STATUS_COUNT, PD_ST_VERIFYING), BAD);
  assert_int_equal(pd_check_transition(PD_ST_NEW, PD_STATUS_COUNT), BAD);
  assert_int_equal(pd_check_transition((enum pd_status)-1, PD_ST_VERIFYING), BAD);
}

/* From in_progress: access and erasure need a verified identity. */
static const struct {
  enum pd_request_type type;
  bool verified;
  enum pd_verdict want;
} complete_in_progress[] = {
    {PD_TYPE_ACCESS, true, OK},         {PD_TYPE_ACCESS, false, IDV},
    {PD_TYPE_ERASURE, true, OK},        {PD_TYPE_ERASURE, false, IDV},
    {PD_TYPE_RECTIFICATION, true, OK},  {PD_TYPE_RECTIFICATION, false, OK},
    {PD_TYPE_OBJECTION, true, OK},      {PD_TYPE_OBJECTION, false, OK},
};

static void complete_from_in_progress(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof complete_in_progress / sizeof complete_in_progress[0]; i++) {
    enum pd_verdict got = pd_check_complete(PD_ST_IN_PROGRESS, complete_in_progress[i].type,
                                            complete_in_progress[i].verified);
    if (got != complete_in_progress[i].want)
      fail_msg("%s verified=%d: got %d", pd_request_type_name(complete_in_progress[i].type),
               complete_in_progress[i].verified, got);
  }
}

static void complete_from_other_states(void **state) {
  (void)state;
  /* Every other status is an invalid transition, checked before identity. */
  for (int s = 0; s < PD_STATUS_COUNT; s++) {
    if (s == PD_ST_IN_PROGRESS) continue;
    for (int t = 0; t < PD_TYPE_COUNT; t++)
      for (int v = 0; v <= 1; v++) {
        enum pd_verdict got = pd_check_complete((enum pd_status)s, (enum pd_request_type)t, v);
        if (got != BAD) fail_msg("%s %s verified=%d: got %d", st(s), pd_request_type_name(t), v, got);
      }
  }
  assert_int_equal(pd_check_complete(PD_ST_IN_PROGRESS, PD_TYPE_COUNT, true), BAD);
}

static void reject_from_each_state(void **state) {
  (void)state;
  static const enum pd_verdict want[PD_STATUS_COUNT] = {
      [PD_ST_NEW] = OK, [PD_ST_VERIFYING] = OK, [PD_ST_IN_PROGRESS] = OK,
      [PD_ST_WAITING] = OK, [PD_ST_COMPLETED] = BAD, [PD_ST_REJECTED] = BAD,
  };
  for (int s = 0; s < PD_STATUS_COUNT; s++) {
    enum pd_verdict got = pd_check_reject((enum pd_status)s, "Identity could not be confirmed");
    if (got != want[s]) fail_msg("reject from %s: got %d", st(s), got);
  }
  assert_int_equal(pd_check_reject(PD_STATUS_COUNT, "reason"), BAD);
}

static const char *const blank_reasons[] = {
    NULL, "", " ", "   ", "\t", "\n", "\r\n", " \t\v\f\r\n ",
    "\xc2\xa0",         /* U+00A0 NO-BREAK SPACE */
    "\xc2\x85",         /* U+0085 NEXT LINE */
    "\xe1\x9a\x80",     /* U+1680 OGHAM SPACE MARK */
    "\xe2\x80\x80",     /* U+2000 EN QUAD */
    "\xe2\x80\x8a",     /* U+200A HAIR SPACE */
    "\xe2\x80\xa8\xe2\x80\xa9", /* LINE and PARAGRAPH SEPARATOR */
    "\xe2\x80\xaf",     /* U+202F NARROW NO-BREAK SPACE */
    "\xe2\x81\x9f",     /* U+205F MEDIUM MATHEMATICAL SPACE */
    "\xe3\x80\x80",     /* U+3000 IDEOGRAPHIC SPACE */
    " \xc2\xa0\t\xe3\x80\x80 ",
};

static const char *const real_reasons[] = {
    "x", " a ", "\ta\n", "Duplicate of req_abcdefghijklmnop", "\xc2\xa0x", "\xc3\xa9", /* é */
    "\xe2\x80\x8b",     /* U+200B ZERO WIDTH SPACE is not White_Space */
    "\xe2\x80",         /* a truncated sequence is not white space */
    "\xc2",             /* neither is a lone lead byte */
    "\x01",             /* control characters are content (stored as given) */
};

static void reject_needs_reason(void **state) {
  (void)state;
  for (int s = 0; s < PD_STATUS_COUNT; s++) {
    bool open = pd_status_is_open((enum pd_status)s);
    for (size_t i = 0; i < sizeof blank_reasons / sizeof blank_reasons[0]; i++) {
      /* Status is checked first: a closed request is an invalid transition. */
      enum pd_verdict got = pd_check_reject((enum pd_status)s, blank_reasons[i]);
      if (got != (open ? WHY : BAD)) fail_msg("%s blank reason %zu: got %d", st(s), i, got);
    }
    for (size_t i = 0; i < sizeof real_reasons / sizeof real_reasons[0]; i++) {
      enum pd_verdict got = pd_check_reject((enum pd_status)s, real_reasons[i]);
      if (got != (open ? OK : BAD)) fail_msg("%s real reason %zu: got %d", st(s), i, got);
    }
  }
}

static void text_blank(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof blank_reasons / sizeof blank_reasons[0]; i++)
    if (!pd_text_blank(blank_reasons[i])) fail_msg("blank_reasons[%zu] not blank", i);
  for (size_t i = 0; i < sizeof real_reasons / sizeof real_reasons[0]; i++)
    if (pd_text_blank(real_reasons[i])) fail_msg("real_reasons[%zu] blank", i);
}

static void verify_table(void **state) {
  (void)state;
  /* want[status][identity_verified] */
  static const enum pd_verdict want[PD_STATUS_COUNT][2] = {
      [PD_ST_NEW] = {OK, BAD},       [PD_ST_VERIFYING] = {OK, BAD}, [PD_ST_IN_PROGRESS] = {OK, BAD},
      [PD_ST_WAITING] = {OK, BAD},   [PD_ST_COMPLETED] = {BAD, BAD}, [PD_ST_REJECTED] = {BAD, BAD},
  };
  for (int s = 0; s < PD_STATUS_COUNT; s++)
    for (int v = 0; v <= 1; v++) {
      enum pd_verdict got = pd_check_verify((enum pd_status)s, v);
      if (got != want[s][v]) fail_msg("verify %s verified=%d: got %d", st(s), v, got);
    }
  assert_int_equal(pd_check_verify(PD_STATUS_COUNT, false), BAD);
}

static void acknowledges(void **state) {
  (void)state;
  /* Only leaving `new` acknowledges receipt. */
  for (int from = 0; from < PD_STATUS_COUNT; from++)
    for (int to = 0; to < PD_STATUS_COUNT; to++) {
      bool want = from == PD_ST_NEW && to != PD_ST_NEW;
      if (pd_transition_acknowledges((enum pd_status)from, (enum pd_status)to) != want)
        fail_msg("%s -> %s", st(from), st(to));
    }
  assert_true(pd_transition_acknowledges(PD_ST_NEW, PD_ST_VERIFYING));
  assert_true(pd_transition_acknowledges(PD_ST_NEW, PD_ST_REJECTED));
  assert_false(pd_transition_acknowledges(PD_ST_VERIFYING, PD_ST_IN_PROGRESS));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(transition_table),
      cmocka_unit_test(complete_from_in_progress),
      cmocka_unit_test(complete_from_other_states),
      cmocka_unit_test(reject_from_each_state),
      cmocka_unit_test(reject_needs_reason),
      cmocka_unit_test(text_blank),
      cmocka_unit_test(verify_table),
      cmocka_unit_test(acknowledges),
  };
  return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
