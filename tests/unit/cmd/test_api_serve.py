"""georedflow-api freezes what it built before it serves."""

import gc
from typing import Any

import pytest

from georedflow.cmd import api


def test_the_heap_built_at_startup_is_frozen_before_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    class Built:
        def close(self) -> None:
            seen["closed"] = True

    def run(app: Any, **_options: Any) -> None:
        seen["frozen"] = gc.get_freeze_count()

    monkeypatch.setattr(api.cmd_config, "setup_logging", lambda _config: None)
    monkeypatch.setattr(api, "build_api", lambda _config: (object(), Built()))
    monkeypatch.setattr(api.uvicorn, "run", run)
    try:
        assert api.main([]) == 0
    finally:
        gc.unfreeze()

    assert seen["frozen"] > 0
    assert seen["closed"]
