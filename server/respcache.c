/* The per-thread GET answer cache (respcache.h): a hash table of entries
 * with a least-recently-used list, bodies shared by reference count with
 * the responses in flight. Each cache has a lock so that a write on any
 * thread can empty all of them at once. */
#include "server/respcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

enum { N_BUCKETS = 2048 }; /* twice the entry bound: short chains */

struct blob {
  atomic_int refs;
  struct respcache_body pub;
  char storage[]; /* data, content type, disposition, each NUL-terminated */
};

/* A place in the least-recently-used list. */
struct link {
  struct link *newer, *older;
};

struct entry {
  struct link lru;     /* first: an entry is found from its link */
  struct entry *chain; /* next in the bucket */
  uint64_t hash;
  int64_t now;
  bool clock_free;
  struct blob *body;
  size_t key_len;
  char key[]; /* key_len bytes */
};

struct respcache {
  struct respcache *next_in_set;
  pthread_t owner;
  /* Taken by the owner for each call and by a purge from another thread
   * (respcache_set_purge): uncontended but for writes. */
  pthread_mutex_t lock;
  const void *conn;
  uint64_t version[2];
  bool synced; /* conn and version name what the entries were made under */
  struct entry *buckets[N_BUCKETS];
  /* The LRU list, circular through this sentinel: lru.newer is the least
   * recently used entry (evicted first), lru.older the most recent. */
  struct link lru;
  int n;
  size_t bytes;
  unsigned char hash_key[crypto_shorthash_KEYBYTES];
};

struct respcache_set {
  pthread_mutex_t lock; /* guards caches: taken once per thread, never per request */
  uint64_t generation;
  struct respcache *caches;
};

/* Which set the calling thread's cache belongs to, by generation rather than
 * by pointer: a set freed and another allocated at the same address must not
 * find the freed cache. Generations start at 1; 0 is "none". */
static atomic_uint_fast64_t next_generation = 1;
static _Thread_local uint64_t thread_generation;
static _Thread_local struct respcache *thread_cache;

static atomic_uint_fast64_t hits, misses;
static atomic_int_fast64_t entries_kept;

uint64_t respcache_hits(void) { return atomic_load_explicit(&hits, memory_order_relaxed); }
uint64_t respcache_misses(void) { return atomic_load_explicit(&misses, memory_order_relaxed); }
int64_t respcache_entries(void) { return atomic_load_explicit(&entries_kept, memory_order_relaxed); }

void respcache_body_release(const struct respcache_body *b) {
  if (!b) return;
  struct blob *blob = (struct blob *)(void *)((char *)b - offsetof(struct blob, pub));
  if (atomic_fetch_sub_explicit(&blob->refs, 1, memory_order_acq_rel) == 1) free(blob);
}

static void unlink_entry(struct respcache *c, struct entry *e) {
  struct entry **p = &c->buckets[e->hash % N_BUCKETS];
  while (*p != e) p = &(*p)->chain;
  *p = e->chain;
  e->lru.newer->older = e->lru.older;
  e->lru.older->newer = e->lru.newer;
  c->n--;
  atomic_fetch_sub_explicit(&entries_kept, 1, memory_order_relaxed);
  c->bytes -= e->body->pub.len;
  respcache_body_release(&e->body->pub);
  free(e);
}

static struct entry *least_recent(struct respcache *c) { return (struct entry *)(void *)c->lru.newer; }

/* Puts e at the most recent end of the list. */
static void link_recent(struct respcache *c, struct entry *e) {
  e->lru.older = c->lru.older;
  e->lru.newer = &c->lru;
  c->lru.older->newer = &e->lru;
  c->lru.older = &e->lru;
}

static void clear(struct respcache *c) {
  while (c->n) unlink_entry(c, least_recent(c));
}

static void cache_free(struct respcache *c) {
  clear(c);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

struct respcache_set *respcache_set_new(void) {
  struct respcache_set *set = calloc(1, sizeof *set);
  if (!set) return NULL;
  pthread_mutex_init(&set->lock, NULL);
  set->generation = atomic_fetch_add(&next_generation, 1);
  return set;
}

void respcache_set_free(struct respcache_set *set) {
  if (!set) return;
  for (struct respcache *c = set->caches, *next; c; c = next) {
    next = c->next_in_set;
    cache_free(c);
  }
  if (thread_generation == set->generation) {
    thread_generation = 0;
    thread_cache = NULL;
  }
  pthread_mutex_destroy(&set->lock);
  free(set);
}

struct respcache *respcache_for_thread(struct respcache_set *set) {
  if (thread_generation == set->generation) return thread_cache;
  /* A thread that serves two servers in turn (tests) finds its cache in
   * each rather than making one per switch. */
  pthread_mutex_lock(&set->lock);
  struct respcache *c = set->caches;
  while (c && !pthread_equal(c->owner, pthread_self())) c = c->next_in_set;
  if (!c && (c = calloc(1, sizeof *c))) {
    c->owner = pthread_self();
    pthread_mutex_init(&c->lock, NULL);
    c->lru.newer = c->lru.older = &c->lru;
    crypto_shorthash_keygen(c->hash_key);
    c->next_in_set = set->caches;
    set->caches = c;
  }
  pthread_mutex_unlock(&set->lock);
  if (!c) return NULL;
  thread_generation = set->generation;
  thread_cache = c;
  return c;
}

void respcache_sync(struct respcache *c, const void *conn, const uint64_t version[2]) {
  pthread_mutex_lock(&c->lock);
  if (!c->synced || c->conn != conn || c->version[0] != version[0] || c->version[1] != version[1]) {
    clear(c);
    c->conn = conn;
    c->version[0] = version[0];
    c->version[1] = version[1];
    c->synced = true;
  }
  pthread_mutex_unlock(&c->lock);
}

void respcache_set_purge(struct respcache_set *set) {
  pthread_mutex_lock(&set->lock);
  for (struct respcache *c = set->caches; c; c = c->next_in_set) {
    pthread_mutex_lock(&c->lock);
    clear(c);
    c->synced = false; /* an answer being made now, from before the write, is not kept */
    pthread_mutex_unlock(&c->lock);
  }
  pthread_mutex_unlock(&set->lock);
}

static uint64_t key_hash(const struct respcache *c, struct respcache_key key) {
  unsigned char h[crypto_shorthash_BYTES];
  crypto_shorthash(h, (const unsigned char *)key.bytes, key.len, c->hash_key);
  uint64_t v;
  memcpy(&v, h, sizeof v);
  return v;
}

static struct entry *find(struct respcache *c, struct respcache_key key, uint64_t hash) {
  for (struct entry *e = c->buckets[hash % N_BUCKETS]; e; e = e->chain)
    if (e->hash == hash && e->key_len == key.len && memcmp(e->key, key.bytes, key.len) == 0) return e;
  return NULL;
}

/* Makes e the most recently used. */
static void touch(struct respcache *c, struct entry *e) {
  e->lru.newer->older = e->lru.older;
  e->lru.older->newer = e->lru.newer;
  link_recent(c, e);
}

const struct respcache_body *respcache_get(struct respcache *c, struct respcache_key key, int64_t now) {
  pthread_mutex_lock(&c->lock);
  struct entry *e = c->synced ? find(c, key, key_hash(c, key)) : NULL;
  if (e && !e->clock_free && e->now != now) {
    unlink_entry(c, e); /* made in an earlier second: never usable again */
    e = NULL;
  }
  if (!e) {
    pthread_mutex_unlock(&c->lock);
    atomic_fetch_add_explicit(&misses, 1, memory_order_relaxed);
    return NULL;
  }
  touch(c, e);
  atomic_fetch_add_explicit(&e->body->refs, 1, memory_order_relaxed);
  pthread_mutex_unlock(&c->lock);
  atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
  return &e->body->pub;
}

static struct blob *blob_copy(const struct respcache_body *a) {
  const char *type = a->content_type ? a->content_type : "application/json";
  size_t type_len = strlen(type), disp_len = a->disposition ? strlen(a->disposition) : 0;
  struct blob *b = malloc(sizeof *b + a->len + 1 + type_len + 1 + disp_len + 1);
  if (!b) return NULL;
  atomic_init(&b->refs, 1);
  char *p = b->storage;
  memcpy(p, a->data, a->len);
  p[a->len] = '\0';
  b->pub.data = p;
  b->pub.len = a->len;
  p += a->len + 1;
  memcpy(p, type, type_len + 1);
  b->pub.content_type = p;
  p += type_len + 1;
  if (a->disposition) memcpy(p, a->disposition, disp_len + 1);
  b->pub.disposition = a->disposition ? p : NULL;
  memcpy(b->pub.etag, a->etag, sizeof b->pub.etag);
  b->pub.etag[sizeof b->pub.etag - 1] = '\0';
  return b;
}

void respcache_put(struct respcache *c, struct respcache_key key, int64_t now, bool clock_free,
                   const struct respcache_body *answer) {
  if (answer->len > RESPCACHE_MAX_BODY) return;
  /* Copied before taking the lock: a purge never waits for a copy. */
  struct entry *e = malloc(sizeof *e + key.len);
  struct blob *body = e ? blob_copy(answer) : NULL;
  if (!body) {
    free(e);
    return;
  }
  pthread_mutex_lock(&c->lock);
  if (!c->synced) {
    pthread_mutex_unlock(&c->lock);
    free(e);
    respcache_body_release(&body->pub);
    return;
  }
  uint64_t hash = key_hash(c, key);
  struct entry *old = find(c, key, hash);
  if (old) unlink_entry(c, old);
  while (c->n && (c->n >= RESPCACHE_MAX_ENTRIES || c->bytes + answer->len > RESPCACHE_MAX_BYTES))
    unlink_entry(c, least_recent(c));
  *e = (struct entry){.hash = hash, .now = now, .clock_free = clock_free, .body = body, .key_len = key.len};
  memcpy(e->key, key.bytes, key.len);
  e->chain = c->buckets[hash % N_BUCKETS];
  c->buckets[hash % N_BUCKETS] = e;
  link_recent(c, e);
  c->n++;
  atomic_fetch_add_explicit(&entries_kept, 1, memory_order_relaxed);
  c->bytes += answer->len;
  pthread_mutex_unlock(&c->lock);
}
