"""georedflow-api killed mid-build (SIGKILL) and started again finishes the job, once."""

import collections
import time
from typing import Any

import httpx

from georedflow.clouds.kinds import KINDS
from georedflow.clouds.openstack import Clouds
from georedflow.clouds.ownership import owned
from tests.integration.harness import SITES, ApiProcess


def test_killed_mid_build_resumes_without_duplicates(
    api: ApiProcess, lab: dict[str, Any], lab_clouds: str
) -> None:
    for site in SITES[:2]:
        assert httpx.post(f"{api.url}/v1/sites", json=site).status_code == 201
    for control in lab.values():
        control.set_latency(150)  # slow enough to be caught mid-flow
    accepted = httpx.post(
        f"{api.url}/v1/connections",
        json={
            "name": "resumed",
            "mode": "hot",
            "technology": "ipsec",
            "options": {"bandwidth_mbps": 100},
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
    ).json()
    job_id, connection_id = accepted["job"]["id"], accepted["connection"]["id"]

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [
            t["name"] for t in api.get(f"/v1/jobs/{job_id}")["tasks"] if t["state"] == "SUCCESS"
        ]
        if "CreateRouter-local" in done or "CreateRouter-remote" in done:
            break
        time.sleep(0.1)
    api.kill()
    for control in lab.values():
        control.set_latency(0)
    api.start()

    deadline = time.monotonic() + 120
    while (job := api.get(f"/v1/jobs/{job_id}"))["state"] not in ("SUCCEEDED", "FAILED"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)

    assert job["state"] == "SUCCEEDED", job["error"]
    assert job["attempts"] == 2
    assert len(job["workers"]) == 2
    assert api.get(f"/v1/connections/{connection_id}")["state"] == "ACTIVE"
    clouds = Clouds(lab_clouds)
    for site, cloud, region in (
        ("east", "lab-east", "RegionOne"),
        ("west", "lab-west", "RegionTwo"),
    ):
        driver = clouds.driver(site, cloud, region)
        names = collections.Counter(
            r["name"] for kind in KINDS for r in owned(driver, kind, connection_id)
        )
        duplicated = [name for name, count in names.items() if count > 1]
        assert duplicated == [], f"{site}: made twice: {duplicated}"
        # network, subnet, router, 2 VPN policies, vpn service, 2 endpoint groups,
        # site connection, and the hot standby's QoS policy
        assert sum(names.values()) == 10, names
