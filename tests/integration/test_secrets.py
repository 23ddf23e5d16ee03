"""The pre-shared key of a full ipsec create and delete: in Neutron, and nowhere else."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from georedflow.clouds.openstack import Clouds
from tests.conftest import free_port
from tests.integration.harness import SITES, ApiProcess, write_config


def test_the_key_is_in_no_log_database_or_response(tmp_path: Path, lab_clouds: str) -> None:
    config = write_config(tmp_path, lab_clouds, free_port(), debug=True)
    # The chattiest logs: the cloud libraries' DEBUG lines carry the request bodies.
    config.write_text(
        config.read_text().replace(
            "[DEFAULT]\n",
            "[DEFAULT]\ndefault_log_levels = keystoneauth=DEBUG,openstack=DEBUG,urllib3=DEBUG\n",
            1,
        )
    )
    subprocess.run(
        [
            str(Path(sys.executable).parent / "georedflow-manage"),
            "--config-file",
            str(config),
            "db",
            "upgrade",
        ],
        check=True,
    )
    port = int(config.read_text().split("bind_port = ")[1].split()[0])
    api = ApiProcess(config, port, tmp_path / "api.log")
    api.start()
    responses: list[str] = []

    def record(response: httpx.Response) -> Any:
        responses.append(response.text)
        return response.json()

    try:
        for site in SITES[:2]:
            record(httpx.post(f"{api.url}/v1/sites", json=site, timeout=30))
        accepted = record(
            httpx.post(
                f"{api.url}/v1/connections",
                timeout=30,
                json={
                    "name": "secret",
                    "mode": "hot",
                    "technology": "ipsec",
                    "options": {"bandwidth_mbps": 100},
                    "local": {"site": "east"},
                    "remote": {"site": "west"},
                },
            )
        )

        def finish(job_id: str) -> dict[str, Any]:
            while (job := record(httpx.get(f"{api.url}/v1/jobs/{job_id}")))["state"] in (
                "QUEUED",
                "RUNNING",
            ):
                time.sleep(0.2)
            return job  # type: ignore[no-any-return]

        assert finish(accepted["job"]["id"])["state"] == "SUCCEEDED"
        shown = record(httpx.get(f"{api.url}/v1/connections/{accepted['connection']['id']}"))
        site_connection = next(
            r["id"] for r in shown["local"]["resources"] if r["type"] == "vpn_ipsec_site_connection"
        )
        psk = (
            Clouds(lab_clouds)
            .driver("east", "lab-east", "RegionOne")
            .get("vpn_ipsec_site_connection", site_connection)["psk"]
        )
        deleting = record(httpx.delete(f"{api.url}/v1/connections/{shown['id']}"))
        assert finish(deleting["job"]["id"])["state"] == "SUCCEEDED"
        record(httpx.get(f"{api.url}/v1/jobs"))
        record(httpx.get(f"{api.url}/openapi.json"))
    finally:
        api.stop()

    log = (tmp_path / "api.log").read_text()
    dump = "\n".join(sqlite3.connect(tmp_path / "georedflow.sqlite").iterdump())
    assert len(psk) >= 40
    assert psk not in log
    assert psk not in dump
    assert all(psk not in text for text in responses)
    assert '"psk": "***"' in log  # the DEBUG request bodies were there, masked
