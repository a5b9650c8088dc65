/* The `:` command table (see command_table.c). */
#ifndef PD_SCREENS_COMMAND_TABLE_H
#define PD_SCREENS_COMMAND_TABLE_H

#include <stddef.h>

#include "tui/cmdline.h"

extern const struct pd_cmd_spec console_commands[];
extern const size_t console_command_count;

#endif
