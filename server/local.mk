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

bin_PROGRAMS += privdeskd
privdeskd_SOURCES = server/privdeskd.c
privdeskd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS) $(SODIUM_CFLAGS)
privdeskd_LDADD = libpddomain.a $(MHD_LIBS) $(SQLITE_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS) -lpthread
