"""Technologies are found by name through their entry points: the installed ones, and one
that another package ships, which then gets its flows, checks and delete like the rest."""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from georedflow import technologies
from georedflow.clouds.kinds import DELETE_ORDER
from georedflow.flows.create import build_create_flow, kinds_made, resources_made
from georedflow.flows.delete import build_delete_flow

SHIPPED = ("bgpvpn", "evpn", "gre", "ipsec", "l2gw", "segments", "vlan", "vxlan")

OTHER_PACKAGE = """
from georedflow.planning.needs import Needs
from georedflow.tasks import network
from georedflow.technologies.base import Technology


class Flat(Technology):
    name = "flat"
    needs = Needs(extensions=("provider",), stretched=True, network_type="flat")

    def link_tasks(self, role):
        return [network.CreateNetwork(role), network.CreateSubnet(role)]
"""


@pytest.fixture
def another_package(tmp_path: Path) -> Iterator[None]:
    """A package installed beside georedflow that ships the technology ``flat``."""
    (tmp_path / "flat_technology.py").write_text(OTHER_PACKAGE)
    info = tmp_path / "flat_technology-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: flat-technology\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[georedflow.technologies]\nflat = flat_technology:Flat\n"
    )
    sys.path.insert(0, str(tmp_path))
    technologies.names.cache_clear()
    technologies.get.cache_clear()
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop("flat_technology", None)
    technologies.names.cache_clear()
    technologies.get.cache_clear()


def test_the_shipped_technologies_are_found_by_name() -> None:
    assert technologies.names() == SHIPPED
    for name in SHIPPED:
        technology = technologies.get(name)
        assert technology.name == name == str(technology)
        assert kinds_made(technology) <= set(DELETE_ORDER)  # a delete removes all it makes


def test_an_unknown_name_says_which_are_installed() -> None:
    with pytest.raises(KeyError, match="no technology named 'carrier-pigeon'; installed: bgpvpn"):
        technologies.get("carrier-pigeon")


def test_a_technology_shipped_by_another_package_is_one_like_the_others(
    another_package: None,
) -> None:
    assert "flat" in technologies.names()
    flat = technologies.get("flat")

    created = [node.name for node, _ in build_create_flow("flat").iter_nodes()]
    deleted = build_delete_flow("flat")

    assert "build" in created and "verify" in created
    assert resources_made(flat, "hot") == {
        role: {"network": 1, "subnet": 1, "qos_policy": 1} for role in ("local", "remote")
    }
    assert {str(k) for k in kinds_made(flat)} == {"network", "subnet", "qos_policy"}
    assert deleted.name == "delete-flat"


def _tasks(flow: Any) -> list[Any]:
    """The flow's tasks in the order they were added, nested flows included."""
    return [t for node in flow for t in (_tasks(node) if hasattr(node, "iter_nodes") else [node])]


@pytest.mark.parametrize("name", SHIPPED)
def test_a_delete_frees_each_kind_just_before_it_deletes_it(name: str) -> None:
    technology = technologies.get(name)
    tasks = _tasks(build_delete_flow(name))
    order = [task.name for task in tasks]
    for role in ("local", "remote"):
        for kind, first in technology.before_delete(role).items():
            at = order.index(f"Delete-{kind}-{role}")
            assert order[at - len(first) : at] == [task.name for task in first], order
    assert bool(technology.before_delete("local")) == (name in ("ipsec", "l2gw"))
