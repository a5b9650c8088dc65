/* tui/term.c — see term.h. */
#include "tui/term.h"

#include <curses.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/utf8.h"

static SCREEN *screen;
static FILE *out_file, *in_file;
static bool headless, opened_tty;
static pd_key pending = PD_KEY_NONE; /* a key read after ESC that was not Meta */

int pd_term_opts_from_env(struct pd_term_opts *o, char *err, size_t errsize)
{
  const char *script = getenv("PRIVDESK_TEST_SCRIPT");
  const char *size = getenv("PRIVDESK_TEST_SIZE");
  const char *term = getenv("PRIVDESK_TEST_TERM");

  memset(o, 0, sizeof *o);
  if (script && *script) {
    o->headless = true;
    o->script = script;
  }
  o->rows = 24;
  o->cols = 80;
  if (size && *size) {
    int r, c;
    char x, extra;

    if (sscanf(size, "%d%c%d%c", &r, &x, &c, &extra) != 3 || (x != 'x' && x != 'X') || r < 1 ||
        c < 1 || r > 1000 || c > 1000) {
      snprintf(err, errsize, "PRIVDESK_TEST_SIZE must look like 24x80, not \"%s\"", size);
      return -1;
    }
    o->rows = r;
    o->cols = c;
  }
  if (term && *term)
    o->termname = term;
  return 0;
}

static void setup_modes(void)
{
  cbreak();
  noecho();
  nonl();
  intrflush(stdscr, FALSE);
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  leaveok(stdscr, TRUE);
}

int pd_term_open(const struct pd_term_opts *o, char *err, size_t errsize)
{
  if (screen != NULL)
    return 0;
  headless = o->headless;
  pending = PD_KEY_NONE;
  if (headless) {
    const char *names[2] = {o->termname ? o->termname : "xterm-256color", "vt100"};
    int i;

    out_file = fopen("/dev/null", "w");
    in_file = fopen("/dev/null", "r");
    if (out_file == NULL || in_file == NULL) {
      snprintf(err, errsize, "/dev/null: %s", strerror(errno));
      pd_term_close();
      return -1;
    }
    for (i = 0; i < 2 && screen == NULL; i++)
      screen = newterm(names[i], out_file, in_file);
    if (screen == NULL) {
      snprintf(err, errsize, "no terminfo entry for %s or vt100", names[0]);
      pd_term_close();
      return -1;
    }
    set_term(screen);
    resizeterm(o->rows > 0 ? o->rows : 24, o->cols > 0 ? o->cols : 80);
  } else {
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
      out_file = stdout;
      in_file = stdin;
    } else {
      out_file = fopen("/dev/tty", "w");
      in_file = fopen("/dev/tty", "r");
      opened_tty = true;
      if (out_file == NULL || in_file == NULL) {
        snprintf(err, errsize, "no terminal: /dev/tty: %s", strerror(errno));
        pd_term_close();
        return -1;
      }
    }
    screen = newterm(NULL, out_file, in_file);
    if (screen == NULL) {
      const char *t = getenv("TERM");

      snprintf(err, errsize, "cannot use terminal type \"%s\" (set TERM)", t ? t : "");
      pd_term_close();
      return -1;
    }
    set_term(screen);
  }
  setup_modes();
  pd_theme_init(o->theme);
  return 0;
}

void pd_term_close(void)
{
  if (screen != NULL) {
    endwin();
    delscreen(screen);
    screen = NULL;
  }
  if (headless || opened_tty) {
    if (out_file)
      fclose(out_file);
    if (in_file)
      fclose(in_file);
  } else if (out_file) {
    fflush(out_file);
  }
  out_file = in_file = NULL;
  opened_tty = false;
  headless = false;
}

bool pd_term_is_open(void)
{
  return screen != NULL;
}

bool pd_term_is_headless(void)
{
  return screen != NULL && headless;
}

int pd_term_input_fd(void)
{
  return screen != NULL && !headless && in_file ? fileno(in_file) : -1;
}

pd_key pd_term_translate(int rc, unsigned int wch)
{
  if (rc == OK) {
    switch (wch) {
    case '\n':
    case '\r': return PD_KEY_ENTER;
    case 0x7f:
    case 0x08: return PD_KEY_BS;
    default: return (pd_key)wch;
    }
  }
  if (rc != KEY_CODE_YES)
    return PD_KEY_NONE;
  switch ((int)wch) {
  case KEY_UP: return PD_KEY_UP;
  case KEY_DOWN: return PD_KEY_DOWN;
  case KEY_LEFT: return PD_KEY_LEFT;
  case KEY_RIGHT: return PD_KEY_RIGHT;
  case KEY_HOME:
  case KEY_FIND:
  case KEY_A1: return PD_KEY_HOME;
  case KEY_END:
  case KEY_SELECT:
  case KEY_C1: return PD_KEY_END;
  case KEY_PPAGE:
  case KEY_A3: return PD_KEY_PGUP;
  case KEY_NPAGE:
  case KEY_C3: return PD_KEY_PGDN;
  case KEY_BACKSPACE: return PD_KEY_BS;
  case KEY_DC: return PD_KEY_DEL;
  case KEY_IC: return PD_KEY_INS;
  case KEY_BTAB: return PD_KEY_BTAB;
  case KEY_ENTER: return PD_KEY_ENTER;
  case KEY_RESIZE: return PD_KEY_RESIZE;
  default:
    if ((int)wch >= KEY_F(1) && (int)wch <= KEY_F(12))
      return PD_KEY_F1 + ((int)wch - KEY_F(1));
    return PD_KEY_NONE;
  }
}

static pd_key read_raw(void)
{
  for (;;) {
    wint_t wch;
    int rc = wget_wch(stdscr, &wch);
    pd_key k;

    if (rc == ERR)
      return PD_KEY_NONE;
    k = pd_term_translate(rc, (unsigned)wch);
    if (k != PD_KEY_NONE)
      return k;
    /* an unknown function key: skip it */
  }
}

pd_key pd_term_read_key(void)
{
  pd_key k, next;

  if (screen == NULL)
    return PD_KEY_NONE;
  if (pending != PD_KEY_NONE) {
    k = pending;
    pending = PD_KEY_NONE;
    return k;
  }
  k = read_raw();
  if (k != PD_KEY_ESC)
    return k;
  next = read_raw();
  if (next == PD_KEY_NONE)
    return PD_KEY_ESC;
  if (next == PD_KEY_ESC || next == PD_KEY_RESIZE) {
    pending = next;
    return PD_KEY_ESC;
  }
  return PD_META(next);
}

void pd_term_resize(int rows, int cols)
{
  if (screen == NULL)
    return;
  if (rows <= 0 || cols <= 0) {
    struct winsize ws;

    if (in_file && ioctl(fileno(out_file), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
      rows = ws.ws_row;
      cols = ws.ws_col;
    } else if (in_file && ioctl(fileno(in_file), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
      rows = ws.ws_row;
      cols = ws.ws_col;
    } else {
      return;
    }
  }
  if (rows != LINES || cols != COLS)
    resizeterm(rows, cols);
}

/* The Unicode character for a VT100 alternate-charset letter, or 0. */
static uint32_t acs_unicode(wchar_t c)
{
  switch (c) {
  case 'l': return 0x250C; case 'k': return 0x2510; case 'm': return 0x2514; case 'j': return 0x2518;
  case 'q': return 0x2500; case 'x': return 0x2502; case 't': return 0x251C; case 'u': return 0x2524;
  case 'v': return 0x2534; case 'w': return 0x252C; case 'n': return 0x253C; case 'a': return 0x2592;
  case '`': return 0x25C6; case '~': return 0x00B7; case '0': return 0x2588;
  default: return 0;
  }
}

/* Reads the cell at y,x of curscr: its characters (UTF-8), width, attrs, pair. */
static int read_cell(int y, int x, char *utf8, size_t size, attr_t *attrs, short *pair)
{
  cchar_t c;
  wchar_t wc[CCHARW_MAX + 1];
  size_t len = 0;
  int w, i;

  utf8[0] = '\0';
  *attrs = 0;
  *pair = 0;
  if (mvwin_wch(curscr, y, x, &c) == ERR)
    return 1;
  memset(wc, 0, sizeof wc);
  if (getcchar(&c, wc, attrs, pair, NULL) == ERR)
    return 1;
  w = wc[0] ? wcwidth(wc[0]) : 1;
  if (w < 1)
    w = 1;
  if ((*attrs & A_ALTCHARSET) && wc[0] < 0x80 && acs_unicode(wc[0]))
    wc[0] = (wchar_t)acs_unicode(wc[0]); /* line drawing stored as VT100 ACS letters */
  for (i = 0; i < CCHARW_MAX && wc[i]; i++) {
    char u[4];
    int n = pd_utf8_encode((uint32_t)wc[i], u);

    if (n == 0 || len + (size_t)n + 1 > size)
      break;
    memcpy(utf8 + len, u, (size_t)n);
    len += (size_t)n;
  }
  if (len == 0)
    utf8[len++] = ' ';
  utf8[len] = '\0';
  return w;
}

size_t pd_term_row_text(int row, char *buf, size_t size)
{
  size_t len = 0, trimmed = 0;
  int x = 0, cy, cx;

  if (size == 0)
    return 0;
  buf[0] = '\0';
  if (screen == NULL || row < 0 || row >= LINES)
    return 0;
  getyx(curscr, cy, cx); /* curscr's cursor is the physical one: restore it */
  while (x < COLS) {
    char cell[32];
    attr_t a;
    short p;
    int w = read_cell(row, x, cell, sizeof cell, &a, &p);
    size_t n = strlen(cell);

    if (len + n + 1 > size)
      break;
    memcpy(buf + len, cell, n);
    len += n;
    if (strcmp(cell, " ") != 0)
      trimmed = len;
    x += w;
  }
  wmove(curscr, cy, cx);
  buf[trimmed] = '\0';
  return trimmed;
}

static char cell_role_letter(attr_t a, short pair)
{
  int role = pd_theme_style_of_pair(pair);

  if (role >= 0)
    return pd_theme_role_letter((enum pd_style)role);
  if (a & A_REVERSE)
    return 'R';
  if (a & A_BOLD)
    return 'B';
  if (a & A_UNDERLINE)
    return 'U';
  if (a & A_DIM)
    return 'D';
  return '.';
}

int pd_term_dump_file(FILE *f, unsigned flags)
{
  char *line;
  size_t size;
  int y, cy, cx;

  if (screen == NULL)
    return -1;
  getyx(curscr, cy, cx);
  size = (size_t)COLS * 4 * (CCHARW_MAX + 1) + 1;
  line = malloc(size);
  if (line == NULL)
    return -1;
  for (y = 0; y < LINES; y++) {
    if (flags & PD_DUMP_ROLES) {
      int x, end = 0;

      for (x = 0; x < COLS; x++) {
        cchar_t c;
        wchar_t wc[CCHARW_MAX + 1];
        attr_t a = 0;
        short p = 0;

        if (mvwin_wch(curscr, y, x, &c) != ERR)
          getcchar(&c, wc, &a, &p, NULL);
        line[x] = cell_role_letter(a, p);
        if (line[x] != '.')
          end = x + 1;
      }
      line[end] = '\0';
    } else {
      pd_term_row_text(y, line, size);
    }
    fprintf(f, "%s\n", line);
  }
  wmove(curscr, cy, cx);
  free(line);
  return ferror(f) ? -1 : 0;
}

int pd_term_dump(const char *path, unsigned flags)
{
  FILE *f = fopen(path, "w");
  int rc;

  if (f == NULL)
    return -1;
  rc = pd_term_dump_file(f, flags);
  if (fclose(f) != 0)
    rc = -1;
  return rc;
}
