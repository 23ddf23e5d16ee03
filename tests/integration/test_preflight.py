"""Pre-flight against the lab: a dry run builds and holds nothing; a create refuses what
the sites already show before any job exists; candidates are ranked and the choice said."""

from collections.abc import Iterator
from typing import Any

import openstack.config
import openstack.connection
import pytest

from georedflow.clouds.kinds import Kind
from tests.integration.harness import CLOUD_OF, Harness

SQUATTED = "10.251.0.0/24"  # on west, made outside georedflow by these tests


def body(remote: dict[str, Any], technology: str = "vxlan", **extra: Any) -> dict[str, Any]:
    return {
        "name": f"preflight-{technology}",
        "mode": "warm",
        "technology": technology,
        "local": {"site": "east"},
        "remote": remote,
        **extra,
    }


def neutron_state(georedflow: Harness) -> dict[str, list[str]]:
    """Every network and subnet of every lab site, by id."""
    return {
        site: sorted(
            r["id"]
            for kind in (Kind.NETWORK, Kind.SUBNET)
            for r in georedflow.driver(site).query(kind)
        )
        for site in ("east", "west", "far")
    }


def records(georedflow: Harness) -> tuple[int, int]:
    connections = georedflow.client.get("/v1/connections?limit=1000").json()["connections"]
    jobs = georedflow.client.get("/v1/jobs?limit=1000").json()["jobs"]
    return len(connections), len(jobs)


@pytest.fixture
def squatter(georedflow: Harness) -> Iterator[str]:
    """A subnet on west that uses SQUATTED, as another tenant's would."""
    west = georedflow.driver("west")
    network = west.create(Kind.NETWORK, {"name": "preflight-squatter"})
    west.create(
        Kind.SUBNET,
        {
            "name": "preflight-squatter",
            "network_id": network["id"],
            "cidr": SQUATTED,
            "ip_version": 4,
        },
    )
    yield network["id"]
    west.delete(Kind.NETWORK, network["id"])  # its subnet goes with it


@pytest.fixture
def west_neutron(lab_clouds: str) -> openstack.connection.Connection:
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    cloud, region = CLOUD_OF["west"]
    return openstack.connection.Connection(config=config.get_one(cloud, region_name=region))


def test_a_dry_run_answers_the_plan_and_changes_nothing(georedflow: Harness) -> None:
    neutrons, counts = neutron_state(georedflow), records(georedflow)

    response = georedflow.client.post(
        "/v1/connections?dry_run=true", json=body({"site": "west"}, "ipsec")
    )

    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["scope"] == "region"
    assert plan["local"]["site"] == "east" and plan["remote"]["site"] == "west"
    assert plan["local"]["cidr"] != plan["remote"]["cidr"]
    assert plan["local"]["makes"]["vpn_ipsec_site_connection"] == 1
    assert plan["remote"]["makes"]["router"] == 1
    assert {(c["role"], c["check"]) for c in plan["checks"]} >= {
        ("local", "addresses and identifiers are free"),
        ("remote", "quota has room for the build"),
    }
    assert plan["selection"] is None
    assert neutron_state(georedflow) == neutrons
    assert records(georedflow) == counts


def test_an_overlapping_cidr_is_a_409_naming_the_endpoint_before_any_job(
    georedflow: Harness, squatter: str
) -> None:
    counts = records(georedflow)

    response = georedflow.client.post(
        "/v1/connections", json=body({"site": "west", "cidr": "10.251.0.0/25"})
    )

    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail.startswith("remote.cidr 10.251.0.0/25 overlaps 10.251.0.0/24"), detail
    assert "on site west" in detail
    assert records(georedflow) == counts


def test_too_little_quota_is_a_409_naming_the_site_and_resource(
    georedflow: Harness, west_neutron: openstack.connection.Connection
) -> None:
    project = west_neutron.current_project_id
    used = west_neutron.network.get(f"/quotas/{project}/details").json()["quota"]["network"]
    counts = records(georedflow)
    west_neutron.network.put(f"/quotas/{project}", json={"quota": {"network": used["used"]}})
    try:
        response = georedflow.client.post("/v1/connections", json=body({"site": "west"}))
    finally:
        west_neutron.network.put(f"/quotas/{project}", json={"quota": {"network": used["limit"]}})

    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert detail.startswith("remote.site west: the network quota is"), detail
    assert records(georedflow) == counts


def test_the_candidate_that_can_take_it_is_chosen_and_the_selection_says_why(
    georedflow: Harness, squatter: str
) -> None:
    remote = {"candidates": ["west", "far"], "cidr": "10.251.0.0/25"}
    ranked = georedflow.client.post("/v1/connections?dry_run=true", json=body(remote))
    assert ranked.status_code == 200, ranked.text
    assert ranked.json()["remote"]["site"] == "far"

    response = georedflow.client.post("/v1/connections", json=body(remote))

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    shown = georedflow.client.get(f"/v1/connections/{accepted['connection']['id']}").json()
    assert shown["remote"]["site"] == "far"
    assert shown["remote"]["cidr"] == "10.251.0.0/25"
    chosen, refused = shown["selection"]
    assert chosen["site"] == "far" and chosen["chosen"] and chosen["rank"] == 1
    assert refused["site"] == "west" and not refused["chosen"] and refused["rank"] is None
    assert refused["reason"].startswith("refused: remote.cidr 10.251.0.0/25 overlaps")
    assert ranked.json()["selection"] == shown["selection"]
    deleted = georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}")
    assert georedflow.wait(deleted.json()["job"]["id"])["state"] == "SUCCEEDED"


def test_no_candidate_that_can_take_it_is_a_409_with_every_reason(
    georedflow: Harness, squatter: str
) -> None:
    remote = {"candidates": ["west"], "cidr": "10.251.0.0/25"}

    response = georedflow.client.post("/v1/connections", json=body(remote))

    assert response.status_code == 409, response.text
    assert response.json()["detail"].startswith(
        "no candidate can be the remote site (west: refused"
    )


def test_any_site_but_the_local_one_is_a_candidate(georedflow: Harness) -> None:
    response = georedflow.client.post("/v1/connections?dry_run=true", json=body({"any": True}))

    assert response.status_code == 200, response.text
    selection = response.json()["selection"]
    sites = [s["name"] for s in georedflow.client.get("/v1/sites").json()["sites"]]
    assert sorted(s["site"] for s in selection) == sorted(set(sites) - {"east"})
    assert [s["site"] for s in selection if s["chosen"]] == [response.json()["remote"]["site"]]


@pytest.mark.parametrize(
    ("remote", "detail"),
    [
        ({"site": "west", "any": True}, "exactly one of them"),
        ({}, "exactly one of them"),
        ({"candidates": ["west", "nowhere"]}, "remote.candidates: no site named 'nowhere'"),
        ({"candidates": ["west"], "prefer": ["far"]}, "remote.prefer: far is not one of"),
    ],
)
def test_a_bad_remote_is_a_422_before_any_cloud_call(
    georedflow: Harness, remote: dict[str, Any], detail: str
) -> None:
    response = georedflow.client.post("/v1/connections?dry_run=true", json=body(remote))

    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]
