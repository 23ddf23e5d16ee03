"""Bad requests are refused with problem+json before any cloud call."""

from typing import Any

import pytest

from tests.integration.harness import Harness


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "bad",
        "mode": "warm",
        "technology": "ipsec",
        "local": {"site": "east"},
        "remote": {"site": "west"},
    }
    return {**base, **changes}


BAD = {
    "bad cidr": (body(local={"site": "east", "cidr": "10.0.0.300/24"}), "local.cidr"),
    "host bits set": (body(local={"site": "east", "cidr": "10.0.0.1/24"}), "local.cidr"),
    "unknown technology": (body(technology="mpls"), "technology"),
    "same site on both ends": (body(remote={"site": "east"}), "same site"),
    "unknown site": (body(remote={"site": "atlantis"}), "atlantis"),
    "overlapping L3 cidrs": (
        body(
            local={"site": "east", "cidr": "10.9.0.0/24"},
            remote={"site": "west", "cidr": "10.9.0.0/25"},
        ),
        "overlap",
    ),
    "segments between regions": (body(technology="segments"), "cell"),
    "ipsec without external network": (body(local={"site": "cell1"}), "external_network"),
    "technology not on the site": (body(remote={"site": "bare"}), "vpnaas"),
    "stretched cidrs differ": (
        body(
            technology="vxlan",
            local={"site": "east", "cidr": "10.8.0.0/24"},
            remote={"site": "west", "cidr": "10.8.1.0/24"},
        ),
        "differ",
    ),
    "vlan id out of range": (
        body(technology="vlan", options={"segmentation_id": 5000}),
        "segmentation_id",
    ),
    "unknown field": (body(colour="blue"), "colour"),
    "missing mode": ({k: v for k, v in body().items() if k != "mode"}, "mode"),
    "control characters in name": (body(name="a\x07b"), "name"),
}


@pytest.fixture(scope="module")
def bare_site(georedflow: Harness) -> None:
    """A reachable site whose Neutron (as recorded) offers only provider networks."""
    site = georedflow.app.sites.create(name="bare", cloud="lab-west", region="RegionTwo")
    georedflow.app.sites.update(site.id, status="reachable", capabilities=["provider"])


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_before_any_cloud_call(
    georedflow: Harness, lab: dict[str, Any], bare_site: None, case: str
) -> None:
    request, mention = BAD[case]
    before = {name: control.last_seq() for name, control in lab.items()}

    response = georedflow.client.post("/v1/connections", json=request)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert mention in problem["detail"]
    for name, control in lab.items():
        assert control.requests(since=before[name]) == [], f"{case}: a call reached {name}"
    listed = georedflow.client.get("/v1/connections").json()["connections"]
    assert all(c["name"] != "bad" for c in listed)


def test_unknown_connection_and_job_are_404(georedflow: Harness) -> None:
    for path in ("/v1/connections/nope", "/v1/jobs/nope", "/v1/sites/nope"):
        response = georedflow.client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_a_site_in_use_cannot_be_deleted(georedflow: Harness) -> None:
    accepted = georedflow.create("vxlan", "east", "west")
    georedflow.wait(accepted["job"]["id"])

    response = georedflow.client.delete("/v1/sites/west")

    assert response.status_code == 409
    assert accepted["connection"]["id"] in response.json()["detail"]
    delete = georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}")
    assert georedflow.wait(delete.json()["job"]["id"])["state"] == "SUCCEEDED"


def test_a_second_job_while_one_runs_is_a_conflict(
    georedflow: Harness, lab: dict[str, Any]
) -> None:
    lab["west"].set_latency(300)
    accepted = georedflow.create("vxlan", "east", "west")
    try:
        response = georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}")
        assert response.status_code == 409
        assert "in flight" in response.json()["detail"]
    finally:
        lab["west"].set_latency(0)
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    delete = georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}")
    assert georedflow.wait(delete.json()["job"]["id"])["state"] == "SUCCEEDED"


def test_the_same_idempotency_key_and_body_give_the_same_connection(georedflow: Harness) -> None:
    request = body(technology="vxlan", name="idempotent")
    headers = {"Idempotency-Key": "retry-me-1"}

    first = georedflow.client.post("/v1/connections", json=request, headers=headers)
    second = georedflow.client.post("/v1/connections", json=request, headers=headers)
    changed = georedflow.client.post(
        "/v1/connections", json={**request, "mode": "hot"}, headers=headers
    )

    assert first.status_code == second.status_code == 202
    assert second.json()["connection"]["id"] == first.json()["connection"]["id"]
    assert second.json()["job"]["id"] == first.json()["job"]["id"]
    assert changed.status_code == 409
    assert "different request body" in changed.json()["detail"]
    listed = georedflow.client.get("/v1/connections").json()["connections"]
    assert [c["name"] for c in listed].count("idempotent") == 1
    georedflow.wait(first.json()["job"]["id"])
    delete = georedflow.client.delete(f"/v1/connections/{first.json()['connection']['id']}")
    assert georedflow.wait(delete.json()["job"]["id"])["state"] == "SUCCEEDED"
