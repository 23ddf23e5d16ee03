"""JSON logs of a real georedflow-api (oslo.log's use_json): one object per line, naming
job, connection and site."""

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port
from tests.integration.harness import SITES, ApiProcess, delete_every_connection, write_config


def test_every_line_is_json_and_a_job_s_lines_name_it(tmp_path: Path, lab_clouds: str) -> None:
    port = free_port()
    config = write_config(tmp_path, lab_clouds, port)
    config.write_text(config.read_text() + "[DEFAULT]\nuse_json = true\n")
    manage = Path(sys.executable).parent / "georedflow-manage"
    subprocess.run([str(manage), "--config-file", str(config), "db", "upgrade"], check=True)
    api = ApiProcess(config, port, tmp_path / "api.log")
    api.start()
    try:
        for site in SITES[:2]:
            assert httpx.post(f"{api.url}/v1/sites", json=site, timeout=30).status_code == 201
        accepted = httpx.post(
            f"{api.url}/v1/connections",
            timeout=30,
            json={
                "name": "logged",
                "mode": "warm",
                "technology": "vxlan",
                "local": {"site": "east"},
                "remote": {"site": "west"},
            },
        ).json()
        job_id, connection_id = accepted["job"]["id"], accepted["connection"]["id"]
        while api.get(f"/v1/jobs/{job_id}")["state"] in ("QUEUED", "RUNNING"):
            time.sleep(0.2)
    finally:
        delete_every_connection(api.call)
        api.stop()

    lines = [json.loads(line) for line in (tmp_path / "api.log").read_text().splitlines()]
    of_job = [line for line in lines if line["extra"].get("job_id") == job_id]
    assert all(line["extra"]["connection_id"] == connection_id for line in of_job)
    created = [line for line in of_job if " created network " in line["message"]]
    assert sorted(line["extra"]["site"] for line in created) == ["east", "west"]
    assert any("succeeded" in line["message"] for line in of_job)
    assert {"asctime", "levelname", "name", "message"} <= set(lines[0])
