/* The `:` commands: one table drives completion, dispatch (commands.c), the
 * help and the man page (docs/pdmangen.c). No dependencies on purpose. */
#include "screens/command_table.h"

static const char *const queue_args[] = {"mine", "unassigned", "urgent", "overdue", "open", "closed", "all", NULL};

const struct pd_cmd_spec console_commands[] = {
  {"queue", queue_args, "show the queue of requests", "[mine|unassigned|urgent|overdue|open|closed|all]"},
  {"account", NULL, "find an account by e-mail, id or name", "<e-mail, id or name>"},
  {"request", NULL, "open a request by id", "<id>"},
  {"holds", NULL, "list dispute holds", NULL},
  {"audit", NULL, "show the audit log", "[actor=NAME] [action=NAME] [account=ID]"},
  {"dashboard", NULL, "show queue counts and deadlines", NULL},
  {"help", NULL, "show the keys of the current screen", NULL},
  {"quit", NULL, "leave privdesk", NULL},
};
const size_t console_command_count = sizeof console_commands / sizeof console_commands[0];

