"""A failure anywhere in a build reverts both sites completely."""

from typing import Any

import pytest

from tests.integration.harness import Harness

# (technology, local, remote, lab Neutron, method, path pattern, nth matching request)
FAULTS = [
    ("vlan", "east", "west", "west", "POST", r"^/v2.0/subnets$", 1),
    ("vxlan", "east", "west", "west", "POST", r"^/v2.0/subnets$", 1),
    ("gre", "east", "west", "east", "POST", r"^/v2.0/subnets$", 1),
    ("ipsec", "east", "west", "west", "POST", r"^/v2.0/vpn/ipsec-site-connections$", 1),
    ("bgpvpn", "east", "west", "west", "POST", r"/network_associations$", 1),
    ("segments", "cell1", "cell2", "east", "POST", r"^/v2.0/subnets$", 2),
]


@pytest.mark.parametrize(
    ("technology", "local", "remote", "where", "method", "path", "nth"), FAULTS
)
def test_a_fault_mid_build_leaves_nothing(
    georedflow: Harness,
    lab: dict[str, Any],
    technology: str,
    local: str,
    remote: str,
    where: str,
    method: str,
    path: str,
    nth: int,
) -> None:
    lab[where].arm_fault(method, path, status=500, nth=nth, message="injected by the test")

    accepted = georedflow.create(technology, local, remote)
    job = georedflow.wait(accepted["job"]["id"])

    assert job["state"] == "FAILED"
    assert job["error"]["rolled_back"] is True
    assert "injected by the test" in job["error"]["message"]
    assert job["error"]["task"]
    connection = georedflow.client.get(f"/v1/connections/{accepted['connection']['id']}").json()
    assert connection["state"] == "ERROR"
    assert "injected by the test" in connection["error"]
    assert "NOT rolled back" not in connection["error"]
    reverted = [t["name"] for t in job["tasks"] if t["state"] == "REVERTED"]
    assert "MarkConnectionBuilding" in reverted
    assert georedflow.leftovers(accepted["connection"]["id"], local, remote) == {
        local: [],
        remote: [],
    }
    assert lab[where].faults() == [], "the armed fault was never hit"


def test_a_failed_build_releases_what_it_reserved(georedflow: Harness, lab: dict[str, Any]) -> None:
    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=500)
    failed = georedflow.create("vxlan", "east", "west", options={"segmentation_id": 5999})
    assert georedflow.wait(failed["job"]["id"])["state"] == "FAILED"

    again = georedflow.create("vxlan", "east", "west", options={"segmentation_id": 5999})
    job = georedflow.wait(again["job"]["id"])

    assert job["state"] == "SUCCEEDED", job["error"]
    delete = georedflow.client.delete(f"/v1/connections/{again['connection']['id']}")
    assert georedflow.wait(delete.json()["job"]["id"])["state"] == "SUCCEEDED"
