"""Imports flow one way: a lower layer does not pull in a higher one."""

import ast
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import REPO

# module: what importing it must not load
NOT_PULLED_IN = {
    "georedflow.clouds.openstack": ("georedflow.storage", "georedflow.api", "georedflow.jobs"),
    "georedflow.metrics": ("georedflow.storage", "sqlalchemy"),
    "georedflow.storage.deliveries": ("georedflow.notifications",),
    "georedflow.notifications.dispatcher": ("georedflow.planning", "georedflow.tasks"),
    "georedflow.jobs.context": ("georedflow.planning.psk",),
    # The choices of the API and the CLI are the registry's names: no flow is imported.
    "georedflow.technologies": ("georedflow.tasks", "georedflow.storage"),
    "georedflow.osc.v1.connection": ("georedflow.tasks", "georedflow.storage"),
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


# The layers, top first: a module may import from its own package and from the layers
# below its own, never from one above (the API → services → jobs → flows → tasks →
# clouds → storage order, with the packages in between placed where they are used).
# Packages sharing a layer do not import each other.
LAYERS = [
    {"cmd"},
    {"mistral"},
    {"osc"},
    {"client"},
    {"api"},
    {"wiring"},
    {"services", "audit"},
    {"jobs"},
    {"flows"},
    {"technologies"},
    {"tasks"},
    {"config_delivery", "drift", "planning"},
    {"notifications", "clouds"},
    {"storage"},
    {"standby", "crypto", "periodic", "metrics", "logs", "conf"},
    {"roles", "exceptions", "states"},
]
# The command-line side talks to the API over HTTP: it never loads the server's parts.
CLIENT_SIDE = {"mistral", "osc", "client"}
SERVER_PARTS = {"api", "wiring", "services", "audit", "jobs", "flows", "tasks", "storage"}


def _imports() -> Iterator[tuple[str, str, str]]:
    """(module, the package it is in, the georedflow package it imports) for every import."""
    root = REPO / "georedflow"
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        package = module.split(".")[1] if module.count(".") else ""
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.startswith("georedflow."):
                    yield module, package, name.split(".")[1]


def test_every_package_has_a_layer() -> None:
    placed = set().union(*LAYERS)
    packages = {p.stem for p in (REPO / "georedflow").iterdir() if p.suffix == ".py" or p.is_dir()}
    assert packages - placed - {"__init__", "__pycache__"} == set()


def test_no_import_goes_up_a_layer_or_across_one() -> None:
    layer = {package: i for i, packages in enumerate(LAYERS) for package in packages}
    wrong = sorted(
        f"{module} imports georedflow.{target}"
        for module, package, target in _imports()
        if package and target != package and layer[target] <= layer[package]
    )
    assert wrong == []


def test_the_command_line_side_loads_none_of_the_server() -> None:
    wrong = sorted(
        f"{module} imports georedflow.{target}"
        for module, package, target in _imports()
        if package in CLIENT_SIDE and target in SERVER_PARTS
    )
    assert wrong == []
