# tests/unit/api.mk
