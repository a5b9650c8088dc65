/* Replays the request corpus of the server fuzzer (tests/fuzz/corpus/server:
 * a valid request for every endpoint, the bad inputs, and every input the
 * fuzzer ever failed on, named regress-*) through tests/fuzz/fuzz_server.c
 * built with the project's own compiler and flags (and, in the ASan+UBSan
 * run, its sanitizers). So the regressions stay tested where clang and
 * libFuzzer are missing. The target aborts on an answer >= 500 or a
 * malformed one: that ends this program, and the TAP driver reports the
 * input named on the line before. TAP: one case per input. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  const char *top = getenv("TOP_SRCDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/server", top && *top ? top : ".");
  DIR *d = opendir(dir);
  if (!d) {
    printf("1..1\nnot ok 1 - cannot open %s\n", dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  printf("1..%zu\n", n);
  LLVMFuzzerInitialize(NULL, NULL);
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    printf("# %s\n", names[i]);
    fflush(stdout);
    FILE *f = fopen(path, "rb");
    if (!f) {
      printf("not ok %zu - %s: cannot read\n", i + 1, names[i]);
      failed = 1;
      continue;
    }
    static uint8_t buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    printf("ok %zu - %s%s\n", i + 1, strncmp(names[i], "regress-", 8) == 0 ? "(regression) " : "", names[i]);
    free(names[i]);
  }
  free(names);
  return failed;
}
