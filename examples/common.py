"""What the examples share: a tiny client of the georedflow API over httpx."""

import argparse
import os
import sys
import time
from typing import Any

import httpx

LAB_SITES = {
    "east": {
        "cloud": "lab-east",
        "region": "RegionOne",
        "external_network": "public",
        "physical_networks": {"dci": "dci", "l2gw": "tor1/eth1"},
    },
    "west": {
        "cloud": "lab-west",
        "region": "RegionTwo",
        "external_network": "public",
        "physical_networks": {"dci": "dci", "l2gw": "tor1/eth1"},
    },
    "far": {
        "cloud": "lab-far",
        "region": "RegionOne",
        "external_network": "public",
        "physical_networks": {"dci": "dci", "l2gw": "tor1/eth1"},
    },
    "cell1": {
        "cloud": "lab-east",
        "region": "RegionOne",
        "cell": "cell1",
        "physical_networks": {"cell": "physnet1"},
    },
    "cell2": {
        "cloud": "lab-east",
        "region": "RegionOne",
        "cell": "cell2",
        "physical_networks": {"cell": "physnet2"},
    },
}


class SessionToken(httpx.Auth):
    """The token of a keystoneauth session in every request (renewed when it expires)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["X-Auth-Token"] = self._session.get_token()
        yield request


def client() -> httpx.Client:
    """The API by ``--url``; or, given only a cloud (``--os-cloud`` or ``OS_CLOUD``), the one
    in that cloud's service catalog, with its token, found as ``openstack georedundancy``
    finds it."""
    parser = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__)
    parser.add_argument("--url", help="georedflow API (default: http://127.0.0.1:9797)")
    parser.add_argument("--os-cloud", default=os.environ.get("OS_CLOUD"), help="clouds.yaml")
    options = parser.parse_args()
    if options.url or not options.os_cloud:
        return httpx.Client(base_url=options.url or "http://127.0.0.1:9797", timeout=30)
    from georedflow.cmd.cli import connect

    found = connect(argparse.Namespace(url=None, token=None, os_cloud=options.os_cloud))
    return httpx.Client(base_url=found.url, timeout=30, auth=SessionToken(found.session))


def ensure_sites(api: httpx.Client, *names: str) -> None:
    """Register the lab's sites the example needs (once)."""
    known = {s["name"] for s in api.get("/v1/sites").json()["sites"]}
    for name in names:
        if name not in known:
            api.post("/v1/sites", json={"name": name, **LAB_SITES[name]}).raise_for_status()


def wait(api: httpx.Client, job_id: str) -> dict[str, Any]:
    while (job := api.get(f"/v1/jobs/{job_id}").json())["state"] not in ("SUCCEEDED", "FAILED"):
        time.sleep(0.3)
    if job["state"] == "FAILED":
        sys.exit(f"job {job_id} failed: {job['error']['message']}")
    return job


def build_and_remove(api: httpx.Client, request: dict[str, Any]) -> None:
    """Create the connection, describe what was built on each side, delete it."""
    accepted = api.post("/v1/connections", json=request)
    if accepted.status_code != 202:
        sys.exit(f"refused: {accepted.json()['detail']}")
    connection_id = accepted.json()["connection"]["id"]
    wait(api, accepted.json()["job"]["id"])
    connection = api.get(f"/v1/connections/{connection_id}").json()
    print(
        f"{connection['technology']} {connection['local']['site']} <-> "
        f"{connection['remote']['site']}: {connection['state']}, scope {connection['scope']}"
    )
    for role in ("local", "remote"):
        kinds = sorted(r["type"] for r in connection[role]["resources"])
        print(f"  {role} {connection[role]['site']}: {', '.join(kinds)}")
    wait(api, api.delete(f"/v1/connections/{connection_id}").json()["job"]["id"])
    gone = api.get(f"/v1/connections/{connection_id}").status_code == 404
    print(f"  deleted: {gone}")
