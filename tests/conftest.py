"""Fixtures shared by every test, and the rule for missing dependencies.

Outside CI a test whose server (lab, ZooKeeper, PostgreSQL) is not running is
skipped with the command that starts it; under ``CI=true`` it fails instead,
so a green CI run means every test really ran.
"""

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def missing(what: str, how_to_start: str) -> None:
    """Skip (or, in CI, fail) the calling test because ``what`` is not there."""
    message = f"{what} is not available; start it with: {how_to_start}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'georedflow.sqlite'}"
