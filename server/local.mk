# privdeskd and the domain rules it is built on.

# The domain: vocabulary shared with the console plus pure rule functions.
noinst_LIBRARIES += libpddomain.a
libpddomain_a_SOURCES = \
	common/vocab.c common/vocab.h \
	server/domain/dates.c server/domain/dates.h \
	server/domain/deadline.c server/domain/deadline.h \
	server/domain/lifecycle.c server/domain/lifecycle.h \
	server/domain/erasure.c server/domain/erasure.h \
	server/domain/roles.c server/domain/roles.h \
	server/domain/audit_hash.c server/domain/audit_hash.h
libpddomain_a_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)

# privdeskd: HTTP front end, handlers, store and seeding, as a library so
# that tests can link the pieces they exercise.
noinst_LIBRARIES += libpdserver.a
libpdserver_a_SOURCES = \
	server/arena.c server/arena.h \
	server/cursor.c server/cursor.h \
	server/export.c server/export.h \
	server/h_accounts.c server/h_complete.c server/h_holds.c server/h_misc.c \
	server/h_request_actions.c server/h_requests.c \
	server/http.c server/http.h server/http_process.h server/http_mhd.c server/server.h \
	server/ids.c server/ids.h \
	server/json_in.c server/json_in.h \
	server/metrics.c server/metrics.h \
	server/ratelimit.c server/ratelimit.h \
	server/render.c server/render.h server/render_list.c server/render_list.h \
	server/respcache.c server/respcache.h \
	server/routes.c server/routes.h \
	server/seed.c server/seed.h server/seed_int.h server/seed_names.c server/seed_names.h \
	server/seed_requests.c \
	server/service.c server/service.h \
	server/store.h server/store.c server/store_common.h server/store_common.c server/store_sqlite.c server/store_sqlite_int.h \
	server/store_sqlite_accounts.c server/store_sqlite_requests.c server/store_sqlite_log.c \
	server/store_pg.c server/store_pg_int.h server/store_pg_accounts.c server/store_pg_requests.c \
	server/store_pg_log.c server/store_pg_users.c
libpdserver_a_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(PQ_CFLAGS) $(JANSSON_CFLAGS) $(SODIUM_CFLAGS)

PD_SERVER_LIBS = libpdserver.a libpddomain.a $(MHD_LIBS) $(SQLITE_LIBS) $(PQ_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS) \
	-lpthread -lm

bin_PROGRAMS += privdeskd
privdeskd_SOURCES = server/privdeskd.c
privdeskd_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(SODIUM_CFLAGS)
privdeskd_LDADD = $(PD_SERVER_LIBS)
