# tests/unit/domain.mk
