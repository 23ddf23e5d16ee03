"""Sites (probe, change), listing with filters and pages, and the pre-shared key kept secret."""

import sqlite3
from pathlib import Path
from typing import Any

from tests.integration.harness import Harness


def test_probe_runs_as_a_job_and_refreshes_capabilities(georedflow: Harness) -> None:
    response = georedflow.client.post("/v1/sites/west/probe")

    assert response.status_code == 202
    job = georedflow.wait(response.json()["id"])
    assert job["kind"] == "probe"
    assert job["state"] == "SUCCEEDED", job["error"]
    assert [t["name"] for t in job["tasks"]] == ["ProbeSite"]
    site = georedflow.client.get("/v1/sites/west").json()
    assert site["status"] == "reachable"
    assert {"vpnaas", "bgpvpn", "segment", "qos"} <= set(site["capabilities"])


def test_a_site_whose_cloud_is_not_in_clouds_yaml_is_refused(georedflow: Harness) -> None:
    response = georedflow.client.post("/v1/sites", json={"name": "x", "cloud": "nowhere"})

    assert response.status_code == 422
    assert "lab-east" in response.json()["detail"]


def test_patch_changes_a_site_and_a_duplicate_name_conflicts(georedflow: Harness) -> None:
    changed = georedflow.client.patch("/v1/sites/far", json={"description": "backup DC"})
    duplicate = georedflow.client.post(
        "/v1/sites", json={"name": "far", "cloud": "lab-far", "region": "RegionOne"}
    )

    assert changed.status_code == 200
    assert changed.json()["description"] == "backup DC"
    assert duplicate.status_code == 409


def test_list_filters_and_pages(georedflow: Harness) -> None:
    made = [
        georedflow.create("vxlan", "east", "west"),
        georedflow.create("gre", "east", "far"),
        georedflow.create("vxlan", "east", "far"),
    ]
    ids = [m["connection"]["id"] for m in made]
    for accepted in made:
        assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"

    def listed(**params: Any) -> list[str]:
        response = georedflow.client.get("/v1/connections", params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["connections"] if c["id"] in ids]

    assert listed(technology="vxlan") == [ids[0], ids[2]]
    assert listed(site="far") == [ids[1], ids[2]]
    assert listed(state="ACTIVE", mode="warm") == ids
    first_page = georedflow.client.get("/v1/connections", params={"limit": 1}).json()
    assert len(first_page["connections"]) == 1
    after = georedflow.client.get(
        "/v1/connections", params={"marker": first_page["connections"][0]["id"]}
    ).json()["connections"]
    assert first_page["connections"][0]["id"] not in [c["id"] for c in after]
    assert georedflow.client.get("/v1/connections", params={"limit": 0}).status_code == 422
    assert georedflow.client.get("/v1/connections", params={"marker": "nope"}).status_code == 404
    jobs = georedflow.client.get("/v1/jobs", params={"connection_id": ids[1]}).json()["jobs"]
    assert [j["kind"] for j in jobs] == ["create"]
    for connection_id in ids:
        job = georedflow.client.delete(f"/v1/connections/{connection_id}").json()["job"]
        assert georedflow.wait(job["id"])["state"] == "SUCCEEDED"


def test_the_pre_shared_key_is_nowhere_but_in_neutron(
    georedflow: Harness, tmp_path_factory: Any
) -> None:
    accepted = georedflow.create("ipsec", "east", "west")
    connection_id = accepted["connection"]["id"]
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]
    shown = georedflow.client.get(f"/v1/connections/{connection_id}")
    site_connection = next(
        r for r in shown.json()["local"]["resources"] if r["type"] == "vpn_ipsec_site_connection"
    )
    psk = georedflow.driver("east").get("vpn_ipsec_site_connection", site_connection["id"])["psk"]
    assert len(psk) >= 40

    database = Path(str(georedflow.app.engine.url.database))
    dump = "\n".join(sqlite3.connect(database).iterdump())
    responses = shown.text + georedflow.client.get(f"/v1/jobs/{job['id']}").text

    assert psk not in dump
    assert psk not in responses
    assert "vpn_ipsec_site_connection" in dump  # the dump did include the flow's results
    job = georedflow.client.delete(f"/v1/connections/{connection_id}").json()["job"]
    assert georedflow.wait(job["id"])["state"] == "SUCCEEDED"
