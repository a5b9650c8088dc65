/* privdeskd's HTTP server: libmicrohttpd in front of the handlers. */
#ifndef PD_SERVER_H
#define PD_SERVER_H

#include <stdbool.h>

#include "server/store.h"

struct server_config {
  const char *listen;    /* ADDR:PORT, [ADDR6]:PORT; port 0 picks a free one */
  const char *log_path;  /* JSON-lines access log, NULL = none */
  const char *port_file; /* written with the bound port once listening, NULL = none */
  double rate_limit;     /* requests per second per token, 0 = unlimited */
  int threads;           /* worker threads, 0 = automatic */
  const char *tls_cert;  /* PEM certificate (chain) file: serve HTTPS; needs tls_key */
  const char *tls_key;   /* PEM private key file */
  bool check_only;       /* validate everything, print a summary, do not listen */
};

/* With check_only: validates the listen address, the access log's directory
 * and the TLS files, prints what it would do and returns 0 (1 on a problem),
 * without binding the port. Otherwise: serves until SIGINT or SIGTERM, then finishes in-flight requests and
 * returns 0; returns 1 with a message on stderr when it cannot start. */
int server_run(struct store *store, const struct server_config *cfg);

#endif
