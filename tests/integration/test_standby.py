"""Hot, warm and cold standby against the lab: QoS, dormancy, activation, drift and repair."""

import json
from typing import Any

from tests.integration.harness import Harness
from tests.receiver import Receiver


def resource(side: dict[str, Any], kind: str) -> str:
    return next(r["id"] for r in side["resources"] if r["type"] == kind)


def show(georedflow: Harness, connection_id: str) -> dict[str, Any]:
    shown: dict[str, Any] = georedflow.client.get(f"/v1/connections/{connection_id}").json()
    return shown


def run(georedflow: Harness, connection_id: str, action: str) -> dict[str, Any]:
    response = georedflow.client.post(f"/v1/connections/{connection_id}/{action}")
    assert response.status_code == 202, response.text
    return georedflow.wait(response.json()["job"]["id"])


def delete(georedflow: Harness, connection_id: str, *sites: str) -> None:
    response = georedflow.client.delete(f"/v1/connections/{connection_id}")
    assert georedflow.wait(response.json()["job"]["id"])["state"] == "SUCCEEDED"
    assert georedflow.leftovers(connection_id, *sites) == {site: [] for site in sites}


def test_a_hot_link_guarantees_its_bandwidth_on_both_sides(georedflow: Harness) -> None:
    accepted = georedflow.create(
        "ipsec", "east", "west", mode="hot", options={"bandwidth_mbps": 250}
    )
    connection_id = accepted["connection"]["id"]
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]

    shown = show(georedflow, connection_id)
    for site, side in (("east", shown["local"]), ("west", shown["remote"])):
        driver = georedflow.driver(site)
        policy = driver.get("qos_policy", resource(side, "qos_policy"))
        assert driver.get("network", side["network_id"])["qos_policy_id"] == policy["id"]
        assert [r["max_kbps"] for r in policy["rules"]] == [250_000]
    delete(georedflow, connection_id, "east", "west")


def test_hot_needs_a_bandwidth_and_snapshots_are_for_warm_and_cold(georedflow: Harness) -> None:
    body = {
        "name": "hot-without-rate",
        "mode": "hot",
        "technology": "vxlan",
        "local": {"site": "east"},
        "remote": {"site": "west"},
    }
    refused = georedflow.client.post("/v1/connections", json=body)
    assert refused.status_code == 422
    assert "bandwidth_mbps" in refused.json()["detail"]
    body.update(mode="warm", options={"prebuild": True})
    refused = georedflow.client.post("/v1/connections", json=body)
    assert refused.status_code == 422
    assert "prebuild" in refused.json()["detail"]


def test_a_cold_standby_is_only_reserved_until_activated(
    georedflow: Harness, lab: dict[str, Any]
) -> None:
    spare = Receiver()
    accepted = georedflow.create(
        "vxlan", "east", "west", mode="cold", options={"activation_callback": spare.url}
    )
    connection_id = accepted["connection"]["id"]
    path = f"/v1/connections/{connection_id}"
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    dormant = show(georedflow, connection_id)
    assert dormant["state"] == "DORMANT"
    assert dormant["primary"] == "local"
    reserved_id = dormant["parameters"]["segmentation_id"]
    assert reserved_id > 0 and dormant["local"]["cidr"]
    assert georedflow.leftovers(connection_id, "east", "west") == {"east": [], "west": []}

    refused = georedflow.client.post(f"{path}/activate")
    assert refused.status_code == 409
    assert "no config snapshot" in refused.json()["detail"]

    first = georedflow.client.put(f"{path}/config", content=b"hostname spare\n")
    assert first.status_code == 201 and first.json()["version"] == 1
    latest = {"vnf": "epc", "peers": ["10.0.0.1"]}
    second = georedflow.client.put(f"{path}/config", json=latest)
    assert second.status_code == 201 and second.json()["version"] == 2
    assert georedflow.client.get(f"{path}/config").json() == latest
    older = georedflow.client.get(f"{path}/config", params={"version": 1})
    assert older.text == "hostname spare\n"
    assert older.headers["content-type"].startswith("text/plain")
    assert (
        georedflow.client.put(
            f"{path}/config", content=b"{not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )

    lab["west"].arm_fault("POST", r"^/v2.0/subnets$", status=500, message="injected by the test")
    failed = run(georedflow, connection_id, "activate")
    assert failed["state"] == "FAILED"
    assert "injected by the test" in failed["error"]["message"]
    after = show(georedflow, connection_id)
    assert (after["state"], after["primary"]) == ("DORMANT", "local")
    assert after["parameters"]["segmentation_id"] == reserved_id
    assert georedflow.leftovers(connection_id, "east", "west") == {"east": [], "west": []}
    assert spare.received.empty()

    activated = run(georedflow, connection_id, "activate")
    assert activated["state"] == "SUCCEEDED", activated["error"]
    active = show(georedflow, connection_id)
    assert (active["state"], active["primary"]) == ("ACTIVE", "remote")
    network = georedflow.driver("west").get("network", active["remote"]["network_id"])
    assert network["provider:segmentation_id"] == reserved_id
    delivered = spare.next(timeout=5)
    assert json.loads(delivered.body) == latest
    assert delivered.headers["x-georedflow-config-version"] == "2"
    spare.close()
    delete(georedflow, connection_id, "east", "west")


def test_a_warm_activation_swaps_the_roles_back_and_forth(georedflow: Harness) -> None:
    accepted = georedflow.create("vxlan", "east", "west")
    connection_id = accepted["connection"]["id"]
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    assert run(georedflow, connection_id, "activate")["state"] == "SUCCEEDED"
    assert show(georedflow, connection_id)["primary"] == "remote"
    assert run(georedflow, connection_id, "activate")["state"] == "SUCCEEDED"
    assert show(georedflow, connection_id)["primary"] == "local"
    snapshot = georedflow.client.put(f"/v1/connections/{connection_id}/config", json={"a": 1})
    assert snapshot.status_code == 201
    delete(georedflow, connection_id, "east", "west")


def test_drift_is_found_by_verify_and_the_audit_and_repair_fixes_it(georedflow: Harness) -> None:
    accepted = georedflow.create("vxlan", "east", "west")
    connection_id = accepted["connection"]["id"]
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    clean = run(georedflow, connection_id, "verify")
    assert clean["state"] == "SUCCEEDED"
    assert show(georedflow, connection_id)["findings"] == []

    lost = show(georedflow, connection_id)["local"]["subnet_id"]
    assert georedflow.driver("east").delete("subnet", lost)  # behind georedflow's back

    assert georedflow.app.auditor is not None
    assert georedflow.app.auditor.audit(connection_id)
    audited = show(georedflow, connection_id)
    assert audited["state"] == "DEGRADED"
    assert audited["audited_at"] is not None
    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    degraded = show(georedflow, connection_id)
    assert degraded["state"] == "DEGRADED"
    assert [(f["site"], f["type"], f["id"], f["problem"]) for f in degraded["findings"]] == [
        ("east", "subnet", lost, "missing")
    ]

    repaired = run(georedflow, connection_id, "repair")
    assert repaired["state"] == "SUCCEEDED", repaired["error"]
    fixed = show(georedflow, connection_id)
    assert (fixed["state"], fixed["findings"]) == ("ACTIVE", [])
    assert fixed["local"]["subnet_id"] != lost
    subnet = georedflow.driver("east").get("subnet", fixed["local"]["subnet_id"])
    assert subnet["cidr"] == fixed["local"]["cidr"]
    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    assert show(georedflow, connection_id)["state"] == "ACTIVE"
    delete(georedflow, connection_id, "east", "west")


def test_a_drifted_peer_address_is_replaced_by_repair(georedflow: Harness) -> None:
    accepted = georedflow.create("ipsec", "east", "west")
    connection_id = accepted["connection"]["id"]
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    shown = show(georedflow, connection_id)
    site_connection = resource(shown["local"], "vpn_ipsec_site_connection")
    east = georedflow.driver("east")
    east.update("vpn_ipsec_site_connection", site_connection, {"peer_address": "192.0.2.99"})

    assert run(georedflow, connection_id, "verify")["state"] == "SUCCEEDED"
    findings = show(georedflow, connection_id)["findings"]
    assert [(f["type"], f["id"]) for f in findings] == [
        ("vpn_ipsec_site_connection", site_connection)
    ]
    assert "peer_address is '192.0.2.99'" in findings[0]["problem"]

    repaired = run(georedflow, connection_id, "repair")
    assert repaired["state"] == "SUCCEEDED", repaired["error"]
    fixed = show(georedflow, connection_id)
    assert (fixed["state"], fixed["findings"]) == ("ACTIVE", [])
    replaced = resource(fixed["local"], "vpn_ipsec_site_connection")
    assert replaced != site_connection
    assert east.get("vpn_ipsec_site_connection", site_connection) is None
    delete(georedflow, connection_id, "east", "west")
