/* tui/theme.c — see theme.h. */
#include "tui/theme.h"

#include <stdlib.h>

struct role_def {
  char letter;
  const char *name;
  short fg256, bg256, fg8, bg8;
  attr_t a256, a8, amono;
};

static const struct role_def roles[PD_STYLE_COUNT] = {
#define PD_X(id, letter, fg256, bg256, a256, fg8, bg8, a8, amono) \
  {letter, #id, fg256, bg256, fg8, bg8, a256, a8, amono},
  PD_STYLES(PD_X)
#undef PD_X
};

static enum pd_theme_mode mode = PD_THEME_MONO;

static bool no_color_env(void)
{
  const char *v = getenv("NO_COLOR");

  return v != NULL && v[0] != '\0';
}

enum pd_theme_mode pd_theme_init(enum pd_theme_mode want)
{
  bool defaults = false;
  int i;

  if (want == PD_THEME_AUTO) {
    if (no_color_env() || !has_colors())
      want = PD_THEME_MONO;
    else
      want = PD_THEME_256; /* refined below once COLORS is known */
  }
  mode = PD_THEME_MONO;
  if (want == PD_THEME_MONO || !has_colors() || start_color() == ERR)
    return mode;
  defaults = use_default_colors() == OK;
  mode = want == PD_THEME_256 && COLORS >= 256 ? PD_THEME_256 : PD_THEME_8;
  for (i = 0; i < PD_STYLE_COUNT && i + 1 < COLOR_PAIRS; i++) {
    short fg = mode == PD_THEME_256 ? roles[i].fg256 : roles[i].fg8;
    short bg = mode == PD_THEME_256 ? roles[i].bg256 : roles[i].bg8;

    if (!defaults) {
      if (fg < 0)
        fg = COLOR_WHITE;
      if (bg < 0)
        bg = COLOR_BLACK;
    }
    init_pair((short)(i + 1), fg, bg);
  }
  return mode;
}

enum pd_theme_mode pd_theme_mode(void)
{
  return mode;
}

attr_t pd_theme_attr(enum pd_style role)
{
  if ((int)role < 0 || role >= PD_STYLE_COUNT)
    role = PD_STYLE_NORMAL;
  switch (mode) {
  case PD_THEME_256: return roles[role].a256 | COLOR_PAIR(role + 1);
  case PD_THEME_8: return roles[role].a8 | COLOR_PAIR(role + 1);
  default: return roles[role].amono;
  }
}

int pd_theme_style_of_pair(int pair)
{
  if (mode == PD_THEME_MONO || pair < 1 || pair > PD_STYLE_COUNT)
    return -1;
  return pair - 1;
}

char pd_theme_role_letter(enum pd_style role)
{
  return (int)role >= 0 && role < PD_STYLE_COUNT ? roles[role].letter : '?';
}

const char *pd_theme_role_name(enum pd_style role)
{
  return (int)role >= 0 && role < PD_STYLE_COUNT ? roles[role].name : "?";
}
