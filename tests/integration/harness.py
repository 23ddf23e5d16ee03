"""A georedflow wired to the lab, with the helpers the connection tests share."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.clouds.openstack import Clouds
from georedflow.clouds.ownership import leftovers
from georedflow.jobs import persistence
from georedflow.notifications.settings import NotificationSettings
from georedflow.planning.settings import PlanningSettings
from georedflow.states import IN_PROGRESS
from georedflow.storage import migrate
from georedflow.wiring import Application, Settings, build

# The lab's Neutron ranges (lab/): georedflow must pick ids inside them.
LAB_PLANNING = PlanningSettings(
    vlan_ranges=("1000:1099",),
    vni_ranges=("5000:5999",),
    gre_key_ranges=("7000:7999",),
    status_timeout=30.0,
)
# The tests' webhook receivers and spare VNFs listen on 127.0.0.1, which georedflow
# refuses as a callback destination unless allowed: these tests allow loopback, nothing else.
ALLOWED_NETWORKS = ("127.0.0.0/8",)
ALLOWED_NETWORKS_CONF = f"[notifications]\nallowed_networks = {','.join(ALLOWED_NETWORKS)}\n"

SITES = [
    {
        "name": "east",
        "cloud": "lab-east",
        "region": "RegionOne",
        "external_network": "public",
        "physical_networks": {"dci": "dci", "l2gw": "tor1/eth1"},
    },
    {
        "name": "west",
        "cloud": "lab-west",
        "region": "RegionTwo",
        "external_network": "public",
        "physical_networks": {"dci": "dci", "l2gw": "tor1/eth1"},
    },
    {
        "name": "far",
        "cloud": "lab-far",
        "region": "RegionOne",
        "external_network": "public",
        "physical_networks": {"dci": "dci", "l2gw": "tor1/eth1"},
    },
    {
        "name": "cell1",
        "cloud": "lab-east",
        "region": "RegionOne",
        "cell": "cell1",
        "physical_networks": {"cell": "physnet1"},
    },
    {
        "name": "cell2",
        "cloud": "lab-east",
        "region": "RegionOne",
        "cell": "cell2",
        "physical_networks": {"cell": "physnet2"},
    },
]
CLOUD_OF = {s["name"]: (s["cloud"], s["region"]) for s in SITES}


def write_config(directory: Path, clouds_file: str, port: int, debug: bool = False) -> Path:
    """A georedflow.conf for a georedflow-api process against the lab."""
    path = directory / "georedflow.conf"
    path.write_text(
        f"[DEFAULT]\nstate_path = {directory}\ndebug = {debug}\n"
        f"[api]\nbind_port = {port}\n"
        f"[clouds]\nconfig_file = {clouds_file}\n"
        "[planning]\nstatus_timeout = 30\n" + ALLOWED_NETWORKS_CONF
    )
    return path


def build_app(directory: Path, clouds_file: str) -> Application:
    """An embedded georedflow on a fresh SQLite database in ``directory``, for the lab."""
    url = f"sqlite:///{directory / 'georedflow.sqlite'}"
    migrate.upgrade(url)
    app = build(
        Settings(
            database_url=url,
            secret_key_file=str(directory / "secret.key"),
            clouds_file=clouds_file,
            planning=LAB_PLANNING,
            notifications=NotificationSettings(allowed_networks=ALLOWED_NETWORKS),
        )
    )
    persistence.upgrade(app.engine)
    return app


@dataclass
class Harness:
    client: TestClient
    app: Application
    clouds: Clouds
    site_ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, directory: Path, clouds_file: str) -> "Harness":
        app = build_app(directory, clouds_file)
        harness = cls(TestClient(create_app(app)), app, Clouds(clouds_file))
        for site in SITES:
            response = harness.client.post("/v1/sites", json=site)
            assert response.status_code == 201, response.text
            assert response.headers["location"] == f"/v1/sites/{site['name']}"
            assert response.json()["status"] == "reachable", response.json()
            harness.site_ids[site["name"]] = response.json()["id"]
        return harness

    def create(self, technology: str, local: str, remote: str, **extra: Any) -> dict[str, Any]:
        body = {
            "name": f"{technology}-{local}-{remote}",
            "mode": "warm",
            "technology": technology,
            "local": {"site": local},
            "remote": {"site": remote},
            **extra,
        }
        response = self.client.post("/v1/connections", json=body)
        assert response.status_code == 202, response.text
        accepted: dict[str, Any] = response.json()
        assert response.headers["location"] == f"/v1/connections/{accepted['connection']['id']}"
        return accepted

    def wait(self, job_id: str, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job: dict[str, Any] = self.client.get(f"/v1/jobs/{job_id}").json()
            if job["state"] in ("SUCCEEDED", "FAILED"):
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} did not end in {timeout} s: {job}")

    def driver(self, site: str) -> Any:
        cloud, region = CLOUD_OF[site]
        return self.clouds.driver(site, cloud, region)

    def leftovers(self, connection_id: str, *sites: str) -> dict[str, list[str]]:
        """What the connection still owns, per site (empty lists when clean)."""
        return {site: leftovers(self.driver(site), connection_id) for site in sites}

    def close(self) -> None:
        delete_every_connection(self.client.request)
        self.client.close()
        self.app.close()


def delete_every_connection(
    call: Callable[..., Any], timeout: float = 240, interval: float = 0.2
) -> list[str]:
    """At a test's end: DELETE every connection through the API, until none is left.

    What a test built is removed by the product's own delete, so the session's leak
    check still catches a delete that leaves something behind. ``call(method, path)``
    answers an httpx-like response. Returns what could not be deleted.
    """
    deadline = time.monotonic() + timeout
    asked: set[str] = set()
    while time.monotonic() < deadline:
        listed = call("GET", "/v1/connections?limit=1000")
        if listed.status_code != 200:
            return [f"could not list the connections: {listed.status_code}"]
        left = listed.json()["connections"]
        if not left:
            return []
        for connection in left:
            if connection["state"] not in IN_PROGRESS and connection["id"] not in asked:
                asked.add(connection["id"])  # once: a failed delete is the leak check's
                call("DELETE", f"/v1/connections/{connection['id']}")
        if all(c["id"] in asked and c["state"] == "ERROR" for c in left):
            break  # every delete that was asked for failed
        time.sleep(interval)
    return [c["id"] for c in call("GET", "/v1/connections?limit=1000").json()["connections"]]


class ApiProcess:
    def __init__(self, config: Path, port: int, log: Path) -> None:
        self.config, self.url, self.log = config, f"http://127.0.0.1:{port}", log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "georedflow-api"),
                    "--config-file",
                    str(self.config),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            time.sleep(0.05)
        raise AssertionError("georedflow-api did not become ready")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", timeout=30, **kwargs)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def get(self, path: str) -> Any:
        return httpx.get(f"{self.url}{path}", timeout=10).json()

    def delete(self, path: str) -> Any:
        return httpx.delete(f"{self.url}{path}", timeout=10).json()
