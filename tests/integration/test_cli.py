"""The georedflow CLI against a running georedflow-api and the lab."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.integration.harness import ApiProcess

CLI = str(Path(sys.executable).parent / "georedflow")


def cli(api: ApiProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "--url", api.url, *args], capture_output=True, text=True, timeout=180
    )


def test_create_with_wait_shows_progress_and_the_result(
    api: ApiProcess, lab: dict[str, Any], tmp_path: Path
) -> None:
    for name, cloud, region in (
        ("east", "lab-east", "RegionOne"),
        ("west", "lab-west", "RegionTwo"),
    ):
        made = cli(
            api,
            "site",
            "create",
            "--name",
            name,
            "--cloud",
            cloud,
            "--region",
            region,
            "--external-network",
            "public",
            "--physnet",
            "dci=dci",
        )
        assert made.returncode == 0, made.stderr
        assert "reachable" in made.stdout

    created = cli(
        api,
        "connection",
        "create",
        "--name",
        "by-cli",
        "--mode",
        "warm",
        "--technology",
        "vxlan",
        "--local",
        "east",
        "--remote",
        "west:10.252.17.0/24",
        "--wait",
    )

    assert created.returncode == 0, created.stderr
    assert "[" in created.stderr and "100%" in created.stderr
    assert "SUCCEEDED" in created.stderr
    assert "ACTIVE" in created.stdout and "10.252.17.0/24" in created.stdout
    listed = json.loads(cli(api, "-f", "json", "connection", "list").stdout)
    connection_id = next(c["id"] for c in listed if c["name"] == "by-cli")

    config = tmp_path / "vnf.json"
    config.write_text('{"hostname": "spare-1"}')
    stored = cli(api, "-f", "json", "config", "put", connection_id, str(config))
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["media_type"] == "application/json"
    fetched = cli(api, "config", "get", connection_id)
    assert json.loads(fetched.stdout) == {"hostname": "spare-1"}
    assert "config version 1" in fetched.stderr
    activated = cli(api, "-f", "json", "connection", "activate", connection_id, "--wait")
    assert activated.returncode == 0, activated.stderr
    assert json.loads(activated.stdout)["primary"] == "remote"
    verified = cli(api, "-f", "json", "connection", "verify", connection_id, "--wait")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["findings"] == []
    missing = cli(api, "config", "get", connection_id, "--version", "7")
    assert missing.returncode != 0
    assert "no config version 7" in missing.stderr

    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=500, message="cli fault")
    failed = cli(
        api,
        "connection",
        "create",
        "--name",
        "doomed",
        "--mode",
        "warm",
        "--technology",
        "vxlan",
        "--local",
        "east",
        "--remote",
        "west",
        "--wait",
    )

    assert failed.returncode == 1
    assert "failed in CreateNetwork-remote" in failed.stderr
    assert "cli fault" in failed.stderr
    deleted = cli(api, "connection", "delete", connection_id, "--wait")
    assert deleted.returncode == 0, deleted.stderr
    assert "SUCCEEDED" in deleted.stderr


def test_api_errors_are_shown_with_their_detail(api: ApiProcess) -> None:
    result = cli(
        api,
        "connection",
        "create",
        "--name",
        "x",
        "--mode",
        "warm",
        "--technology",
        "ipsec",
        "--local",
        "nowhere",
        "--remote",
        "west",
    )

    assert result.returncode == 1
    assert "422" in result.stderr and "nowhere" in result.stderr
