/* Resource ids: a prefix ("acc_", "req_", "hld_") and 16 base32 characters
 * (80 random bits), and API tokens. */
#ifndef PD_IDS_H
#define PD_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "server/store.h"

#define PD_TOKEN_LEN 48 /* "pdt_" + 43 base64url characters + NUL, with room */

/* A random id. */
void id_new(char out[ST_ID_MAX], const char *prefix);
/* An id from 10 given bytes (deterministic seeding). */
void id_from_bytes(char out[ST_ID_MAX], const char *prefix, const unsigned char bytes[10]);
/* true when s is prefix + 16 characters of [a-z2-7] */
int id_valid(const char *s, const char *prefix);

/* A new random API token (32 bytes of entropy) and its SHA-256. */
void token_new(char out[PD_TOKEN_LEN], unsigned char hash[32]);
void token_hash(const char *token, size_t len, unsigned char hash[32]);

#endif
