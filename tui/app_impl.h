/* tui/app_impl.h — internals shared by app.c, app_input.c and
 * app_render.c. Not part of the public API: screens use tui/app.h. */
#ifndef PD_TUI_APP_IMPL_H
#define PD_TUI_APP_IMPL_H

#include "tui/app.h"
#include "tui/script.h"

enum input_mode { IN_NONE, IN_COMMAND, IN_PROMPT };

struct pd_app {
  struct pd_app_opts opts;
  struct pd_loop *loop;
  struct pd_screen **stack, **grave;
  int depth, cap, ngrave, capgrave;
  uint64_t next_id;

  WINDOW *whdr, *wcrumb, *wbody, *wstatus;
  int rows, cols;
  bool too_small, have_windows;
  unsigned dirty;
  bool body_full, clear_screen;

  char *name;
  struct pd_header header;
  char *hdr_strings[5];
  struct pd_statusline status;
  char default_hints[160];

  struct pd_cmdline cmd;
  enum input_mode input;
  struct pd_lineedit prompt_le;
  struct pd_prompt_opts prompt;
  char prompt_label[64];

  bool confirm_open;
  struct pd_confirm confirm;
  pd_confirm_done_fn confirm_done;
  void *confirm_ctx;
  char confirm_typed[512]; /* what a typed confirmation received, during its done callback */

  pd_timer_id spinner_timer, msg_timer;
  int key_handle;
  struct pd_script *script;
  struct pd_script_player *player;
  char script_error[256];
  int exit_status;
  bool quit;
  struct pd_app_stats stats;
};

/* app_render.c */
void pd_app__layout(struct pd_app *app);
void pd_app__drop_windows(struct pd_app *app);
int pd_app__titles(const struct pd_app *app, const char **out, int max);

/* app.c */
void pd_app__update_hints(struct pd_app *app);
void pd_app__remove_screen(struct pd_app *app, struct pd_screen *s, bool enter_next);
void pd_app__bury(struct pd_app *app, struct pd_screen *s);
void pd_app__flush_grave(struct pd_app *app);

/* app_input.c */
void pd_app__apply(struct pd_app *app, struct pd_screen *s, unsigned r, pd_key key,
                   enum pd_action action);

#endif
