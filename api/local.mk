# api/: the console's C client of the privacy backend (libcurl multi, jansson).
# No ncurses. The shared vocabulary is compiled in, so api/ does not depend on
# server code. Users link: libpdapi.a $(CURL_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS)
noinst_LIBRARIES += libpdapi.a
libpdapi_a_SOURCES = \
	api/api.h api/models.h api/decode.h api/error.h api/token.h api/rfc3339.h api/retry.h \
	api/internal.h api/endpoints.h api/decode_internal.h api/decode_util.h \
	api/client.c api/call.c api/intent.c api/buf.c api/token.c api/retry.c api/rfc3339.c api/error.c \
	api/endpoints.c api/endpoints_write.c api/export.c \
	api/decode.c api/decode_util.c api/decode_account.c api/decode_request.c \
	common/vocab.c common/vocab.h
libpdapi_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(SODIUM_CFLAGS)

EXTRA_DIST += api/README.md
