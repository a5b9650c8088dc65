/* A SQLite store in a temporary file, for the store's unit tests
 * (test_store_plans, test_store_queue, test_store_search). */
#ifndef PD_TEST_STORE_FIXTURE_H
#define PD_TEST_STORE_FIXTURE_H

#include "server/store.h"

enum { STORE_FIXTURE_PATH_MAX = 64 };

/* Opens (migrates) /tmp/privdesk-NAME-PID.db; path receives its name. NULL on failure. */
struct store *store_fixture_open(const char *name, char path[STORE_FIXTURE_PATH_MAX]);
/* Closes the store and removes the file with its -wal and -shm. */
void store_fixture_close(struct store *s, const char *path);
/* The VM steps the store's prepared statements made since the last call. */
long store_fixture_vm_steps(struct store *s);

#endif
