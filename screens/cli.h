/* Scripting commands on the same api/ library and auth as the console:
 *   get queue [--preset P] [--limit N] [--json]
 *   get request ID [--json]
 *   get account E-MAIL|ID [--json]
 *   get stats [--json]
 *   export REQUEST-ID -o FILE
 * Plain output is one record per line, tab-separated (queue) or
 * "field<TAB>value" lines; --json prints one JSON document. Exit status:
 * CLI_OK 0, CLI_FAILED 1, CLI_USAGE 2, CLI_NOT_FOUND 3, CLI_DENIED 4,
 * CLI_UNREACHABLE 5. Server text is untrusted: when standard output is a
 * terminal, plain output goes through the console's sanitiser and JSON is
 * written with every non-ASCII character escaped; into a pipe or file the
 * data is written as received (JSON-escaped where JSON needs it). */
#ifndef PD_SCREENS_CLI_H
#define PD_SCREENS_CLI_H

#include "api/api.h"

enum cli_status { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2, CLI_NOT_FOUND = 3, CLI_DENIED = 4, CLI_UNREACHABLE = 5 };

/* argv[0] is the command word ("get", "export"). */
int cli_run(pd_client *client, int argc, char **argv);

/* The exit status for an error kind. */
int cli_status_of(enum pd_error_kind k);

#endif
