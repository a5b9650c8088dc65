#include "server/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

struct bucket {
  int64_t key; /* 0 = empty slot (user row ids start at 1) */
  double tokens, last;
};

struct ratelimit {
  double rate, burst;
  pthread_mutex_t lock;
  size_t cap, used;
  struct bucket *slots;
};

struct ratelimit *ratelimit_new(double rate) {
  struct ratelimit *rl = calloc(1, sizeof *rl);
  if (!rl) return NULL;
  rl->rate = rate;
  rl->burst = RATELIMIT_BURST * rate;
  rl->cap = 64;
  rl->slots = calloc(rl->cap, sizeof *rl->slots);
  if (!rl->slots) {
    free(rl);
    return NULL;
  }
  pthread_mutex_init(&rl->lock, NULL);
  return rl;
}

void ratelimit_free(struct ratelimit *rl) {
  if (!rl) return;
  pthread_mutex_destroy(&rl->lock);
  free(rl->slots);
  free(rl);
}

static struct bucket *find_slot(struct bucket *slots, size_t cap, int64_t key) {
  size_t i = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ull) & (cap - 1);
  while (slots[i].key && slots[i].key != key) i = (i + 1) & (cap - 1);
  return &slots[i];
}

static int grow(struct ratelimit *rl) {
  size_t cap = rl->cap * 2;
  struct bucket *slots = calloc(cap, sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < rl->cap; i++)
    if (rl->slots[i].key) *find_slot(slots, cap, rl->slots[i].key) = rl->slots[i];
  free(rl->slots);
  rl->slots = slots;
  rl->cap = cap;
  return 0;
}

int ratelimit_take(struct ratelimit *rl, int64_t key, double now_s) {
  if (!rl || rl->rate <= 0) return 0;
  pthread_mutex_lock(&rl->lock);
  if (rl->used * 2 >= rl->cap) grow(rl);
  struct bucket *b = find_slot(rl->slots, rl->cap, key);
  if (!b->key) {
    b->key = key;
    b->tokens = rl->burst;
    b->last = now_s;
    rl->used++;
  }
  b->tokens = fmin(rl->burst, b->tokens + (now_s - b->last) * rl->rate);
  b->last = now_s;
  int wait = 0;
  if (b->tokens >= 1) {
    b->tokens -= 1;
  } else {
    wait = (int)ceil((1 - b->tokens) / rl->rate);
    if (wait < 1) wait = 1;
  }
  pthread_mutex_unlock(&rl->lock);
  return wait;
}
