"""Imports flow one way: a lower layer does not pull in a higher one."""

import subprocess
import sys

import pytest

# module: what importing it must not load
NOT_PULLED_IN = {
    "georedflow.clouds.openstack": ("georedflow.storage", "georedflow.api", "georedflow.jobs"),
    "georedflow.metrics": ("georedflow.storage", "sqlalchemy"),
    "georedflow.storage.deliveries": ("georedflow.notifications",),
    "georedflow.notifications.dispatcher": ("georedflow.planning", "georedflow.tasks"),
    "georedflow.jobs.context": ("georedflow.planning.psk",),
}


@pytest.mark.parametrize("module", sorted(NOT_PULLED_IN))
def test_a_lower_layer_imports_no_higher_one(module: str) -> None:
    prefixes = NOT_PULLED_IN[module]
    probe = (
        f"import sys, {module}; "
        f"print(' '.join(m for m in sorted(sys.modules) if m.startswith({prefixes!r})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()

    assert loaded == [], f"{module} pulls in {loaded}"
