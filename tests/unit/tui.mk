# tests/unit/tui.mk
