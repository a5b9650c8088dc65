/* A screen that is not built yet: says so. Replaced screen by screen. */
#ifndef PD_SCREENS_PLACEHOLDER_H
#define PD_SCREENS_PLACEHOLDER_H

#include "tui/app.h"

struct pd_screen *placeholder_screen_new(const char *title);

#endif
