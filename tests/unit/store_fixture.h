/* A SQLite store in a temporary file, for the store's unit tests
 * (test_store_plans, test_store_queue, test_store_search, test_store_counts). */
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
/* The ids of the first max rows of the queue q, page by page through the
 * cursor (pages of q.limit); fails the test when the store does. */
int store_fixture_walk_pages(struct store *s, struct st_request_query q, char ids[][ST_ID_MAX], int max);

#endif
