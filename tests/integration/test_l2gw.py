"""l2gw against the lab (networking-l2gw): each side's link network bridged onto the DCI
VLAN by an L2 gateway on the site's declared device and interface, the same VLAN id on
both; a site that declares none is refused first; drift found and repaired; deleted."""

from collections.abc import Iterator

import pytest

from tests.integration.harness import Harness
from tests.integration.test_standby import resource, run

GATEWAY = "tor1/eth1"


@pytest.fixture
def undeclared(georedflow: Harness) -> Iterator[None]:
    """east declares no L2 gateway for a while (the lab's sites all do: tor1/eth1)."""
    answer = georedflow.client.patch("/v1/sites/east", json={"physical_networks": {"dci": "dci"}})
    assert answer.status_code == 200, answer.text
    yield
    physnets = {"dci": "dci", "l2gw": GATEWAY}
    georedflow.client.patch("/v1/sites/east", json={"physical_networks": physnets})


def test_a_site_that_declares_no_gateway_is_refused_before_any_job(
    georedflow: Harness, undeclared: None
) -> None:
    refused = georedflow.client.post(
        "/v1/connections",
        json={
            "name": "l2gw-undeclared",
            "mode": "warm",
            "technology": "l2gw",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == "l2gw needs physical_networks.l2gw on local.site east"
    assert georedflow.client.get("/v1/connections?technology=l2gw").json()["connections"] == []


def test_the_link_networks_are_bridged_onto_the_agreed_vlan_on_both_sides(
    georedflow: Harness,
) -> None:
    accepted = georedflow.create("l2gw", "east", "west")
    connection_id = accepted["connection"]["id"]
    path = f"/v1/connections/{connection_id}"
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]

    shown = georedflow.client.get(path).json()
    vlan = shown["parameters"]["segmentation_id"]
    assert shown["state"] == "ACTIVE" and 1 <= vlan <= 4094
    assert shown["local"]["cidr"] == shown["remote"]["cidr"]
    for site, side in (("east", shown["local"]), ("west", shown["remote"])):
        driver = georedflow.driver(site)
        gateway = driver.get("l2_gateway", resource(side, "l2_gateway"))
        [device] = gateway["devices"]
        assert f"{device['device_name']}/{device['interfaces'][0]['name']}" == GATEWAY
        [joined] = driver.l2_gateway_connections(gateway["id"])
        assert (joined["network_id"], int(joined["segmentation_id"])) == (side["network_id"], vlan)
        assert joined["id"] == resource(side, "l2_gateway_connection")

    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    assert georedflow.client.get(path).json()["findings"] == []
    west = georedflow.driver("west")
    west_gateway = resource(shown["remote"], "l2_gateway")
    assert west.disconnect_l2_gateway(west_gateway, shown["remote"]["network_id"])
    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    drifted = georedflow.client.get(path).json()
    assert drifted["state"] == "DEGRADED"
    assert [(f["site"], f["type"], f["id"], f["problem"]) for f in drifted["findings"]] == [
        (
            "west",
            "l2_gateway",
            west_gateway,
            f"network {shown['remote']['network_id']} is no longer connected",
        )
    ]
    repaired = run(georedflow, connection_id, "repair")
    assert repaired["state"] == "SUCCEEDED", repaired["error"]
    assert georedflow.client.get(path).json()["state"] == "ACTIVE"
    [rejoined] = west.l2_gateway_connections(west_gateway)
    assert int(rejoined["segmentation_id"]) == vlan

    deleting = georedflow.client.delete(path)
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
    assert georedflow.leftovers(connection_id, "east", "west") == {"east": [], "west": []}
