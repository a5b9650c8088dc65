/* The bearer token, held in one place: a libsodium guarded allocation
 * (mlock'd, guard pages, inaccessible except while a request header is
 * built, wiped on free). It never appears in logs or error messages.
 *
 * Sources: the environment (PRIVDESK_TOKEN, wiped and removed from the
 * environment once read, so child processes do not inherit it) or a token
 * file that, like an ssh key, must be a regular file not accessible by group
 * or others (checked with fstat on the opened descriptor). */
#ifndef PD_API_TOKEN_H
#define PD_API_TOKEN_H

#include "api/error.h"

#define PD_TOKEN_ENV "PRIVDESK_TOKEN"
#define PD_TOKEN_MAX 512 /* bytes; tokens are printable ASCII without spaces */

typedef struct pd_token pd_token;

/* Reads PRIVDESK_TOKEN, then overwrites the variable's value in place and
 * unsets it. NULL with err (PD_E_UNAUTHENTICATED) when unset or malformed. */
pd_token *pd_token_from_env(struct pd_error *err);
/* Reads a token file (trailing newline ignored). NULL with err when it
 * cannot be opened, is not a regular file, is group/world accessible, is
 * owned by another user, is empty or malformed. */
pd_token *pd_token_from_file(const char *path, struct pd_error *err);
/* From a string (tests and scripts); the caller wipes its own copy. */
pd_token *pd_token_from_string(const char *s, struct pd_error *err);
/* The permission check pd_token_from_file applies to an open descriptor:
 * 0 when acceptable, else -1 and a message naming the file and the fix. */
int pd_token_check_fd(int fd, const char *path, struct pd_error *err);
/* Wipes and frees (NULL is fine). */
void pd_token_free(pd_token *t);

#endif
