"""evpn against the lab: an l2 BGPVPN with the agreed VNI and route targets on both sides,
its network associated; verified, its drift found and repaired, deleted to nothing."""

from tests.integration.harness import Harness
from tests.integration.test_standby import resource, run


def test_an_evpn_stretches_one_segment_with_the_agreed_vni_and_route_targets(
    georedflow: Harness,
) -> None:
    accepted = georedflow.create("evpn", "east", "west", options={"route_targets": ["64512:4711"]})
    connection_id = accepted["connection"]["id"]
    path = f"/v1/connections/{connection_id}"
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]

    shown = georedflow.client.get(path).json()
    vni = shown["parameters"]["segmentation_id"]
    assert shown["state"] == "ACTIVE" and vni > 0
    assert shown["parameters"]["route_targets"] == ["64512:4711"]
    assert shown["local"]["cidr"] == shown["remote"]["cidr"]  # one L2 segment, stretched
    for site, side in (("east", shown["local"]), ("west", shown["remote"])):
        driver = georedflow.driver(site)
        bgpvpn = driver.get("bgpvpn", resource(side, "bgpvpn"))
        assert (bgpvpn["type"], bgpvpn["vni"], bgpvpn["route_targets"]) == (
            "l2",
            vni,
            ["64512:4711"],
        )
        associated = [a["network_id"] for a in driver.network_associations(bgpvpn["id"])]
        assert associated == [side["network_id"]]
        subnet = driver.get("subnet", side["subnet_id"])
        assert subnet["gateway_ip"] is None  # half of the pool each, no router on it
    east_pool = georedflow.driver("east").get("subnet", shown["local"]["subnet_id"])
    west_pool = georedflow.driver("west").get("subnet", shown["remote"]["subnet_id"])
    assert east_pool["allocation_pools"] != west_pool["allocation_pools"]

    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    assert georedflow.client.get(path).json()["findings"] == []
    west_bgpvpn = resource(shown["remote"], "bgpvpn")
    georedflow.driver("west").update("bgpvpn", west_bgpvpn, {"route_targets": ["64512:9"]})
    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    drifted = georedflow.client.get(path).json()
    assert drifted["state"] == "DEGRADED"
    assert [(f["site"], f["type"], f["id"]) for f in drifted["findings"]] == [
        ("west", "bgpvpn", west_bgpvpn)
    ]
    assert "route_targets" in drifted["findings"][0]["problem"]
    repaired = run(georedflow, connection_id, "repair")
    assert repaired["state"] == "SUCCEEDED", repaired["error"]
    after = georedflow.client.get(path).json()
    assert (after["state"], after["findings"]) == ("ACTIVE", [])
    replaced = georedflow.driver("west").get("bgpvpn", resource(after["remote"], "bgpvpn"))
    assert (replaced["vni"], replaced["route_targets"]) == (vni, ["64512:4711"])

    deleting = georedflow.client.delete(path)
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
    assert georedflow.leftovers(connection_id, "east", "west") == {"east": [], "west": []}


def test_a_vni_in_use_by_a_vxlan_connection_is_not_given_to_an_evpn(georedflow: Harness) -> None:
    vxlan = georedflow.create("vxlan", "east", "west")
    assert georedflow.wait(vxlan["job"]["id"])["state"] == "SUCCEEDED"
    taken = georedflow.client.get(f"/v1/connections/{vxlan['connection']['id']}").json()
    vni = taken["parameters"]["segmentation_id"]

    refused = georedflow.client.post(
        "/v1/connections",
        json={
            "name": "evpn-clash",
            "mode": "warm",
            "technology": "evpn",
            "local": {"site": "east"},
            "remote": {"site": "west"},
            "options": {"segmentation_id": vni},
        },
    )

    assert refused.status_code == 409, refused.text
    assert f"options.segmentation_id {vni}" in refused.json()["detail"]
    deleting = georedflow.client.delete(f"/v1/connections/{vxlan['connection']['id']}")
    assert georedflow.wait(deleting.json()["job"]["id"])["state"] == "SUCCEEDED"
