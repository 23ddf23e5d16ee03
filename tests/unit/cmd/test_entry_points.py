"""The console scripts, run as an operator runs them."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from georedflow.storage import db, migrate
from georedflow.storage.models import Job
from tests.conftest import free_port


def script(name: str) -> str:
    """The console script installed beside the running interpreter."""
    path = Path(sys.executable).parent / name
    assert path.exists(), f"{name} is not installed (pip install -e .)"
    return str(path)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([script(args[0]), *args[1:]], capture_output=True, text=True, timeout=60)


def first_answer(server: subprocess.Popen[Any], url: str) -> httpx.Response | None:
    """The first answer of ``url`` from a server just started (None: it never answered)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    return None


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "georedflow.conf"
    path.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n[api]\nbind_port = {free_port()}\n")
    return path


def test_manage_db_upgrade_then_version(config_file: Path) -> None:
    upgraded = run("georedflow-manage", "--config-file", str(config_file), "db", "upgrade")
    version = run("georedflow-manage", "--config-file", str(config_file), "db", "version")

    assert upgraded.returncode == 0, upgraded.stderr
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == migrate.head_revision()
    assert (config_file.parent / "georedflow.sqlite").exists()


def test_manage_db_purge_reports_what_it_forgot(config_file: Path) -> None:
    assert (
        run("georedflow-manage", "--config-file", str(config_file), "db", "upgrade").returncode == 0
    )

    purged = run(
        "georedflow-manage", "--config-file", str(config_file), "db", "purge", "--older-than", "30"
    )
    refused = run(
        "georedflow-manage", "--config-file", str(config_file), "db", "purge", "--older-than", "-1"
    )

    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.strip() == "purged 0 jobs finished more than 30 days ago"
    assert refused.returncode != 0
    assert "older-than" in refused.stderr


def test_manage_without_a_command_explains_usage(config_file: Path) -> None:
    result = run("georedflow-manage", "--config-file", str(config_file))

    assert result.returncode != 0
    assert "db" in result.stderr


def test_worker_on_the_embedded_default_says_it_has_nothing_to_do(config_file: Path) -> None:
    result = run("georedflow-worker", "--config-file", str(config_file))

    assert result.returncode == 2
    assert "nothing for a worker to do" in result.stderr
    assert "embedded" in result.stderr


def test_cli_prints_its_version() -> None:
    result = run("georedflow", "--version")

    assert result.returncode == 0
    assert result.stdout.startswith("georedflow 0.")


def test_api_serves_readyz_on_the_configured_port(config_file: Path) -> None:
    assert (
        run("georedflow-manage", "--config-file", str(config_file), "db", "upgrade").returncode == 0
    )
    port = int(config_file.read_text().split("bind_port = ")[1].split()[0])
    server = subprocess.Popen(
        [script("georedflow-api"), "--config-file", str(config_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = first_answer(server, f"http://127.0.0.1:{port}/readyz")
        assert response is not None, f"georedflow-api did not answer: {server.poll()}"
        assert response.status_code == 200
        status = run("georedflow", "--url", f"http://127.0.0.1:{port}", "status")
        assert status.returncode == 0, status.stderr
        assert "ready" in status.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_asgi_application_serves_under_another_server(config_file: Path) -> None:
    """uvicorn's own command line, not georedflow-api: the same configuration, served."""
    assert (
        run("georedflow-manage", "--config-file", str(config_file), "db", "upgrade").returncode == 0
    )
    port = free_port()
    server = subprocess.Popen(
        [script("uvicorn"), "georedflow.cmd.asgi:application", "--port", str(port)],
        env={**os.environ, "GEOREDFLOW_CONFIG_FILE": str(config_file)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = first_answer(server, f"http://127.0.0.1:{port}/v1/sites")
        assert response is not None, f"uvicorn did not answer: {server.poll()}"
        assert response.status_code == 200, response.text
        assert response.json()["sites"] == []
        assert (config_file.parent / "georedflow.sqlite").exists()  # its database, from the file
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_an_event_stream_client_that_leaves_early_is_no_error(config_file: Path) -> None:
    """A watcher closing its stream while events still come is a normal disconnect."""
    assert (
        run("georedflow-manage", "--config-file", str(config_file), "db", "upgrade").returncode == 0
    )
    port = int(config_file.read_text().split("bind_port = ")[1].split()[0])
    log = config_file.parent / "api.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [script("georedflow-api"), "--config-file", str(config_file)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        assert first_answer(server, f"http://127.0.0.1:{port}/readyz") is not None
        sessions = db.make_session_factory(
            db.make_engine(f"sqlite:///{config_file.parent}/georedflow.sqlite")
        )
        with sessions.begin() as session:  # a job some runner is running
            job = Job(kind="verify", state="RUNNING", attempts=1)
            session.add(job)
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(f"GET /v1/jobs/{job.id}/events HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert b"200 OK" in client.recv(200)
        for progress, state in ((0.5, "RUNNING"), (1.0, "SUCCEEDED")):  # events for no one
            time.sleep(1)
            with sessions.begin() as session:
                row = session.get(Job, job.id)
                assert row is not None
                row.progress, row.state = progress, state
        time.sleep(1.5)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert f"/v1/jobs/{job.id}/events" in text
    assert "Traceback" not in text and "BrokenResourceError" not in text, text[-3000:]


def test_cli_status_fails_clearly_when_the_api_is_down() -> None:
    result = run("georedflow", "--url", f"http://127.0.0.1:{free_port()}", "status")

    assert result.returncode == 1
    assert "cannot reach" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "api.example.org"])
def test_noauth_api_refuses_to_listen_beyond_loopback(tmp_path: Path, host: str) -> None:
    config = tmp_path / "georedflow.conf"
    config.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n[api]\nbind_host = {host}\n")

    result = run("georedflow-api", "--config-file", str(config))

    assert result.returncode == 2
    assert "loopback" in result.stderr and host in result.stderr
    assert "auth_strategy = keystone" in result.stderr


def test_keystone_auth_without_service_credentials_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "georedflow.conf"
    config.write_text(
        f"[DEFAULT]\nstate_path = {tmp_path}\n[api]\nauth_strategy = keystone\n"
        "[keystone]\nauth_url = http://127.0.0.1:1/v3\n"
    )

    result = run("georedflow-api", "--config-file", str(config))

    assert result.returncode != 0
    assert "[keystone] username, password" in result.stderr
