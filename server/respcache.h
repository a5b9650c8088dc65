/* A cache of 200 GET answers that is never stale: each worker thread keeps
 * its own (a store connection belongs to one thread, and the version it is
 * checked against is that connection's), and every entry is valid only
 * while the store's data version read inside the request's own read
 * transaction equals the one the entry was made under. A change of version
 * (a write on this connection, or a commit by any other connection or
 * process) empties the thread's cache when it next serves a request; a
 * write made by this process empties every thread's cache at once
 * (respcache_set_purge), so that an idle thread does not keep answers that
 * show data since changed or erased. Answers that read the clock are kept
 * for the second they were made in, unless marked clock-free.
 * Bounded per thread: RESPCACHE_MAX_ENTRIES entries, RESPCACHE_MAX_BYTES of
 * bodies, none over RESPCACHE_MAX_BODY; the least recently used goes first. */
#ifndef PD_RESPCACHE_H
#define PD_RESPCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  RESPCACHE_MAX_ENTRIES = 1024,
  RESPCACHE_MAX_BYTES = 8 * 1024 * 1024,
  RESPCACHE_MAX_BODY = 1024 * 1024,
};

/* One kept answer, reference-counted: a hit hands the caller a reference
 * that outlives eviction until respcache_body_release (the response may
 * still be on the wire when the entry is dropped). */
struct respcache_body {
  const char *content_type, *disposition; /* disposition NULL when none */
  char etag[80];
  size_t len;
  const char *data; /* NUL-terminated */
};
void respcache_body_release(const struct respcache_body *b);

/* All the caches of one server (one per thread that served a request);
 * freed with it, after its worker threads have stopped. */
struct respcache_set;
struct respcache_set *respcache_set_new(void);
void respcache_set_free(struct respcache_set *set);

/* The calling thread's cache in set (made on first use); NULL when out of memory. */
struct respcache *respcache_for_thread(struct respcache_set *set);

/* Aligns the cache with the connection and data version of the current
 * read transaction: when either differs from what its entries were made
 * under, they are all dropped. */
void respcache_sync(struct respcache *c, const void *conn, const uint64_t version[2]);

/* The key of an answer: opaque bytes (the caller's identity, path, query). */
struct respcache_key {
  const char *bytes;
  size_t len;
};

/* A kept answer for key usable at second now, with a new reference; NULL
 * when none. Counts a hit or a miss. */
const struct respcache_body *respcache_get(struct respcache *c, struct respcache_key key, int64_t now);

/* Keeps an answer made at second now; clock_free: it did not read the clock,
 * so it stays valid past that second. Too large bodies and failures to
 * allocate are silently not kept. */
void respcache_put(struct respcache *c, struct respcache_key key, int64_t now, bool clock_free,
                   const struct respcache_body *answer);

/* Empties every cache of set (called after a write committed) and stops
 * each from keeping an answer until it is next synced. */
void respcache_set_purge(struct respcache_set *set);

/* Totals over all threads and servers since start (for /metrics), and the
 * answers kept right now. */
uint64_t respcache_hits(void);
uint64_t respcache_misses(void);
int64_t respcache_entries(void);

#endif
