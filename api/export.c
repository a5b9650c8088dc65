/* Saving the access export bundle to a file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/models.h"

int pd_export_save(const struct pd_export *e, const char *path, struct pd_error *err) {
  pd_error_clear(err);
  if (!e || !e->json || !path || !*path) {
    pd_error_set(err, PD_E_INVALID_INPUT, "nothing to save or no file name");
    return -1;
  }
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
    pd_error_set(err, PD_E_INVALID_INPUT, "file name too long");
    return -1;
  }
  int fd = mkstemp(tmp); /* mode 0600: the bundle holds personal data */
  if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (fd < 0) {
    pd_error_set(err, PD_E_LOCAL, "cannot create a file next to %s: %s", path, strerror(errno));
    return -1;
  }
  const char *step = "write";
  size_t done = 0;
  while (done < e->len) {
    ssize_t w = write(fd, e->json + done, e->len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) goto fail;
    done += (size_t)w;
  }
  step = "fsync";
  if (fsync(fd) != 0) goto fail;
  step = "close";
  if (close(fd) != 0) {
    fd = -1;
    goto fail;
  }
  fd = -1;
  step = "rename";
  if (rename(tmp, path) != 0) goto fail;
  return 0;
fail:;
  int saved = errno;
  if (fd >= 0) close(fd);
  unlink(tmp);
  pd_error_set(err, PD_E_LOCAL, "saving %s failed at %s: %s", path, step, strerror(saved));
  return -1;
}
