# Tests: each suite keeps its own fragment.
include tests/unit/domain.mk
include tests/unit/tui.mk
include tests/unit/api.mk
include tests/api/local.mk
include tests/e2e/local.mk
include tests/fuzz/local.mk
