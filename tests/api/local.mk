# tests/api/local.mk
