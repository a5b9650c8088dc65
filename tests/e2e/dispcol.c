/* dispcol TEXT: for each line of standard input that contains TEXT, prints
 * the display column (wcwidth, 0-based) where TEXT starts, or nothing for
 * lines without it. dispcol --width: the display width of every line
 * (trailing blanks excluded). The e2e tests use it to prove that columns stay aligned
 * when names hold CJK characters or emoji (which take two columns). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: dispcol TEXT < screen.txt | dispcol --width < screen.txt\n");
    return 2;
  }
  int width_mode = strcmp(argv[1], "--width") == 0;
  if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "");
  char line[8192];
  while (fgets(line, sizeof line, stdin)) {
    size_t len = strcspn(line, "\n");
    while (width_mode && len && line[len - 1] == ' ') len--;
    const char *hit = width_mode ? line + len : strstr(line, argv[1]);
    if (!hit) continue;
    int col = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (const char *p = line; p < hit;) {
      wchar_t wc;
      size_t n = mbrtowc(&wc, p, (size_t)(hit - p), &st);
      if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        n = 1;
        wc = L'?';
        memset(&st, 0, sizeof st);
      }
      int w = wcwidth(wc);
      col += w > 0 ? w : 0;
      p += n;
    }
    printf("%d\n", col);
  }
  return 0;
}
