"""The georedflow CLI and ``openstack georedundancy`` against a running georedflow-api and
the lab (its Keystone's catalog included)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openstack
import pytest

import lab
from georedflow.osc.plugin import SERVICE_TYPE
from tests.conftest import REPO, free_port
from tests.integration.harness import ApiProcess, delete_every_connection, write_config

BIN = Path(sys.executable).parent
CLI = str(BIN / "georedflow")
OPENSTACK = str(BIN / "openstack")
KEYSTONE = lab.keystone_url("a") + "/v3"
SERVICE_NAME = "georedflow-test-cli"  # what this module registers, and so removes


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
    # by name too, whether or not the API filters ?name= itself
    activated = cli(api, "-f", "json", "connection", "activate", "by-cli", "--wait")
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


# --- openstack georedundancy: the endpoint from the lab Keystone's catalog ---


def admin_identity(clouds_file: str) -> Any:
    config = openstack.config.OpenStackConfig(config_files=[clouds_file])
    return openstack.connection.Connection(config=config.get_one(cloud="lab-east")).identity


def forget_service(identity: Any) -> None:
    for service in list(identity.services(type=SERVICE_TYPE)):
        if service.name == SERVICE_NAME:  # ours, maybe left by a run that was killed
            for endpoint in list(identity.endpoints(service_id=service.id)):
                identity.delete_endpoint(endpoint)
            identity.delete_service(service)


@pytest.fixture
def keystone_api(tmp_path: Path, lab_clouds: str) -> Iterator[ApiProcess]:
    """A georedflow-api that asks every /v1 caller for a Keystone token, registered in the
    lab Keystone's catalog (service and public endpoint in both regions) while the test
    runs."""
    port = free_port()
    config = write_config(tmp_path, lab_clouds, port)
    config.write_text(
        config.read_text().replace("[api]\n", "[api]\nauth_strategy = keystone\n")
        + f"[keystone]\nauth_url = {KEYSTONE}\nusername = admin\npassword = labpass\n"
        "project_name = admin\n"
    )
    manage = BIN / "georedflow-manage"
    subprocess.run([str(manage), "--config-file", str(config), "db", "upgrade"], check=True)
    process = ApiProcess(config, port, tmp_path / "api.log")
    identity = admin_identity(lab_clouds)
    forget_service(identity)
    service = identity.create_service(name=SERVICE_NAME, type=SERVICE_TYPE, enabled=True)
    try:
        for region in ("RegionOne", "RegionTwo"):
            identity.create_endpoint(
                service_id=service.id, interface="public", url=process.url, region_id=region
            )
        process.start()
        yield process
        token = {"X-Auth-Token": identity.get_token()}
        delete_every_connection(
            lambda method, path: httpx.request(
                method, f"{process.url}{path}", headers=token, timeout=30
            )
        )
    finally:
        process.stop()
        forget_service(identity)


def openstack_cli(
    clouds_file: str, *args: str, tool: str = OPENSTACK
) -> subprocess.CompletedProcess[str]:
    """A command with only a cloud: no URL, no token, in the options or the environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OS_", "GEOREDFLOW_URL", "GEOREDFLOW_TOKEN"))
    }
    env["OS_CLIENT_CONFIG_FILE"] = clouds_file
    return subprocess.run(
        [tool, "--os-cloud", "lab-east", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_openstack_georedundancy_create_with_wait_finds_the_api_in_the_catalog(
    keystone_api: ApiProcess, lab_clouds: str
) -> None:
    def osc(*args: str) -> subprocess.CompletedProcess[str]:
        return openstack_cli(lab_clouds, "georedundancy", *args)

    for name, cloud, region in (
        ("east", "lab-east", "RegionOne"),
        ("west", "lab-west", "RegionTwo"),
    ):
        made = osc(
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
            "-f",
            "json",
        )
        assert made.returncode == 0, made.stderr
        assert json.loads(made.stdout)["status"] == "reachable"
    shown = osc("site", "show", "east")
    assert shown.returncode == 0, shown.stderr
    assert max(len(line) for line in shown.stdout.splitlines()) <= 100

    created = osc(
        "connection",
        "create",
        "--name",
        "by-osc",
        "--mode",
        "warm",
        "--technology",
        "vxlan",
        "--local",
        "east",
        "--remote",
        "west:10.252.18.0/24",
        "--wait",
        "-f",
        "json",
    )

    assert created.returncode == 0, created.stderr
    assert "100%" in created.stderr and "SUCCEEDED" in created.stderr
    connection = json.loads(created.stdout)
    assert connection["state"] == "ACTIVE"
    assert connection["remote"]["cidr"] == "10.252.18.0/24"
    # By name, and the alias with the same cloud and no URL: the same catalog, the same API.
    by_name = osc("connection", "show", "by-osc", "-c", "id", "-f", "value")
    assert by_name.stdout.strip() == connection["id"], by_name.stderr
    jobs = openstack_cli(lab_clouds, "job", "list", "-f", "json", tool=CLI)
    assert jobs.returncode == 0, jobs.stderr
    assert jobs.stdout and json.loads(jobs.stdout)[0]["connection_id"] == connection["id"]
    log = keystone_api.log.read_text()
    assert "/v1/connections" in log
    deleted = osc("connection", "delete", "by-osc", "--wait")
    assert deleted.returncode == 0, deleted.stderr
    assert "SUCCEEDED" in deleted.stderr
    gone = osc("connection", "list", "-f", "json")
    assert gone.returncode == 0, gone.stderr
    assert json.loads(gone.stdout) == []


def test_the_tacker_example_with_only_a_cloud_finds_the_api_in_the_catalog(
    keystone_api: ApiProcess, lab_clouds: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = lab_clouds
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "tacker_vnfm.py"), "--os-cloud", "lab-east"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO / "examples",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == (REPO / "examples" / "expected" / "tacker_vnfm.txt").read_text()
    assert "/v1/connections" in keystone_api.log.read_text()  # that API, found in the catalog


def test_without_an_endpoint_in_the_catalog_the_error_says_what_to_do(lab_clouds: str) -> None:
    identity = admin_identity(lab_clouds)
    forget_service(identity)
    if list(identity.services(type=SERVICE_TYPE)):
        pytest.skip(f"this lab's Keystone has a '{SERVICE_TYPE}' service of someone else's")

    missing = openstack_cli(lab_clouds, "georedundancy", "site", "list")
    alias = openstack_cli(lab_clouds, "site", "list", tool=CLI)

    for result in (missing, alias):
        assert result.returncode == 1
        assert "no 'georedundancy' endpoint in the service catalog" in result.stderr
        assert "Traceback" not in result.stderr
