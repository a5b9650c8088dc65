/* pdmangen: fills the generated parts of privdesk.1 from the tables the
 * console itself uses, so the manual cannot drift from the program:
 *   pdmangen keys       the key bindings of every screen (tui/actions.def)
 *   pdmangen commands   the `:` commands (screens/command_table.c)
 * Output is roff for inclusion at @KEYS@ and @COMMANDS@ of privdesk.1.in. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "screens/command_table.h"
#include "tui/keymap.h"

/* roff-safe text: backslashes doubled, a leading dot or quote guarded. */
static void roff(const char *s) {
  if (*s == '.' || *s == '\'') fputs("\\&", stdout);
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", stdout);
    else if (*s == '-')
      fputs("\\-", stdout);
    else
      putchar(*s);
  }
}

static const char *scope_title(const char *scope) {
  static const struct {
    const char *scope, *title;
  } titles[] = {
    {"global", "Every screen"},    {"queue", "Queue"},           {"request", "Request detail"},
    {"erasure", "Erasure preview"}, {"account", "Account detail"}, {"holds", "Holds"},
    {"picker", "Category picker"}, {"audit", "Audit log"},
  };
  for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
    if (strcmp(titles[i].scope, scope) == 0) return titles[i].title;
  return scope;
}

static void keys(void) {
  size_t n;
  const struct pd_keymap_entry *t = pd_keymap_table(&n);
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) seen = strcmp(t[j].scope, t[i].scope) == 0;
    /* the demo program's keys are not privdesk's */
    if (seen || strncmp(t[i].scope, "demo", 4) == 0) continue;
    printf(".SS %s\n", scope_title(t[i].scope));
    for (size_t j = i; j < n; j++) {
      if (strcmp(t[j].scope, t[i].scope) != 0) continue;
      char shown[128];
      pd_keymap_keys_display(t[j].action, shown, sizeof shown);
      printf(".TP\n.B ");
      roff(shown);
      printf("\n");
      roff(t[j].help);
      printf("%s\n", t[j].writes ? " (hidden when read-only)" : "");
    }
  }
}

static void commands(void) {
  for (size_t i = 0; i < console_command_count; i++) {
    const struct pd_cmd_spec *c = &console_commands[i];
    printf(".TP\n.BI \":");
    roff(c->name);
    printf(" \" \"");
    if (c->usage) roff(c->usage);
    printf("\"\n");
    char help[256];
    snprintf(help, sizeof help, "%s", c->help);
    help[0] = (char)toupper((unsigned char)help[0]);
    roff(help);
    printf(".\n");
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "keys") == 0) keys();
  else if (argc == 2 && strcmp(argv[1], "commands") == 0) commands();
  else {
    fprintf(stderr, "usage: pdmangen keys|commands\n");
    return 2;
  }
  return ferror(stdout) ? 1 : 0;
}
