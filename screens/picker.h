/* The category picker for placing a dispute hold, and the hold helpers the
 * account and holds screens share (category text, the full-hold report).
 *
 * The picker is a screen (scope "picker") pushed over the screen that wants
 * the categories (its owner). Space toggles a category, `*` chooses every
 * category (a hold on ["*"]), Enter accepts (at least one is required) and
 * Esc / q cancel. On Enter the picker pops itself and, when the owner is
 * still on the stack (and now on top), calls done(app, owner, choice). On
 * cancel done is not called. The owner keeps its own copy of the choice. */
#ifndef PD_SCREENS_PICKER_H
#define PD_SCREENS_PICKER_H

#include <stdbool.h>
#include <stddef.h>

#include "api/models.h"
#include "tui/app.h"

/* A set of categories: every one (["*"]) or one bit per enum pd_category. */
struct category_choice {
  bool all;
  unsigned mask;
};

typedef void (*picker_done_fn)(struct pd_app *app, struct pd_screen *owner, struct category_choice choice);

/* owner must be on the stack (its id is remembered, not the pointer).
 * initial pre-selects (e.g. the choice of an earlier, failed attempt). */
struct pd_screen *picker_screen_new(const struct pd_screen *owner, const char *title,
                                    struct category_choice initial, picker_done_fn done);

/* How many categories the choice names (PD_CATEGORY_COUNT for all). */
size_t category_choice_count(struct category_choice c);
/* Fills out (room for PD_CATEGORY_COUNT) with the chosen keys in table
 * order; returns how many (0 for all: the API sends ["*"] then). */
size_t category_choice_list(struct category_choice c, enum pd_category *out);
/* "transactions, usage_logs" (keys) or "all categories". */
void category_choice_text(char *buf, size_t size, struct category_choice c);

/* The categories of a hold as text: "all" for ["*"], else the keys. */
void hold_categories_text(char *buf, size_t size, const struct pd_hold *h);
/* A report screen with every field of a hold (reason, release reason ...). */
struct pd_screen *hold_report_screen(const struct pd_hold *h, const char *account_label);

#endif
