"""A request id followed end to end: the caller's X-OpenStack-Request-ID comes back on the
answer, names the job, and reaches both Neutrons with every call the job makes."""

from typing import Any

import pytest

from tests.integration.harness import Harness

pytestmark = pytest.mark.lab

GIVEN = "req-0b7c2e1d-5a4f-4e6b-8d3c-9f1e2a3b4c5d"


def test_the_callers_request_id_reaches_the_clouds(
    georedflow: Harness, lab: dict[str, Any]
) -> None:
    since = {site: lab[site].last_seq() for site in ("east", "west")}
    response = georedflow.client.post(
        "/v1/connections",
        headers={"X-OpenStack-Request-ID": GIVEN},
        json={
            "name": "followed",
            "mode": "warm",
            "technology": "vxlan",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
    )
    assert response.status_code == 202, response.text
    assert response.headers["x-openstack-request-id"] == GIVEN
    job = georedflow.wait(response.json()["job"]["id"])
    assert job["state"] == "SUCCEEDED", job

    for site in ("east", "west"):
        made = [r for r in lab[site].requests(since=since[site]) if r["method"] == "POST"]
        assert made, f"{site}: the job made nothing"
        assert {r["request_id"] for r in made} == {GIVEN}, site
