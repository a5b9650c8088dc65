/* The `:` command line: one table drives completion, `:help` and dispatch. */
#include <stdio.h>
#include <string.h>

#include "screens/console.h"

/* "actor=alice action=hold.place" -> the three filters */
static void audit_filters(const char *rest, char *actor, char *action, char *account, size_t size) {
  char word[128];
  while (*rest) {
    size_t n = strcspn(rest, " ");
    if (n && n < sizeof word) {
      memcpy(word, rest, n);
      word[n] = '\0';
      if (strncmp(word, "actor=", 6) == 0) snprintf(actor, size, "%.63s", word + 6);
      if (strncmp(word, "action=", 7) == 0) snprintf(action, size, "%.63s", word + 7);
      if (strncmp(word, "account=", 8) == 0) snprintf(account, size, "%.63s", word + 8);
    }
    rest += n;
    while (*rest == ' ') rest++;
  }
}

unsigned console_command(struct pd_app *app, const char *line, void *ctx) {
  struct console *con = ctx;
  char word[32];
  const char *rest;
  if (!pd_cmd_split(line, word, sizeof word, &rest)) return PD_OK;
  const struct pd_cmd_spec *spec = pd_cmd_find(console_commands, console_command_count, word);
  if (!spec) {
    pd_app_message(app, PD_MSG_ERROR, "Unknown command :%s (Tab completes, :help lists keys)", word);
    return PD_REDRAW_STATUS;
  }
  const char *name = spec->name;
  if (strcmp(name, "quit") == 0) return PD_QUIT;
  if (strcmp(name, "help") == 0) {
    pd_app_show_help(app);
    return PD_OK;
  }
  if (strcmp(name, "dashboard") == 0) {
    pd_app_push(app, dashboard_screen_new(con));
    return PD_OK;
  }
  if (strcmp(name, "holds") == 0) {
    pd_app_push(app, holds_screen_new(con, NULL));
    return PD_OK;
  }
  if (strcmp(name, "audit") == 0) {
    char actor[64] = "", action[64] = "", account[64] = "";
    audit_filters(rest, actor, action, account, sizeof actor);
    pd_app_push(app, audit_screen_new(con, account[0] ? account : NULL, actor[0] ? actor : NULL,
                                      action[0] ? action : NULL));
    return PD_OK;
  }
  if (strcmp(name, "queue") == 0) {
    int preset = *rest ? queue_preset_parse(rest) : QUEUE_OPEN;
    if (preset < 0) {
      pd_app_message(app, PD_MSG_ERROR, "Unknown preset \"%s\": mine, unassigned, urgent, overdue, open, closed, all",
                     rest);
      return PD_REDRAW_STATUS;
    }
    pd_app_push(app, queue_screen_new(con, (enum queue_preset)preset));
    return PD_OK;
  }
  if (!*rest) {
    pd_app_message(app, PD_MSG_ERROR, ":%s needs %s", name, spec->usage);
    return PD_REDRAW_STATUS;
  }
  if (strcmp(name, "request") == 0) {
    pd_app_push(app, request_screen_new(con, rest));
    return PD_OK;
  }
  /* account: an id opens it, anything else searches */
  if (strncmp(rest, "acc_", 4) == 0 && !strchr(rest, ' '))
    pd_app_push(app, account_screen_new(con, rest));
  else
    pd_app_push(app, accounts_screen_new(con, rest));
  return PD_OK;
}
