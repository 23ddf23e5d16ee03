"""georedflow-api and georedflow-worker processes on ZooKeeper and PostgreSQL, for tests."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.conftest import free_port
from tests.integration.harness import (
    ALLOWED_NETWORKS_CONF,
    SITES,
    ApiProcess,
    delete_every_connection,
)

BIN = Path(sys.executable).parent


def write_cluster_config(
    path: Path,
    *,
    database: str,
    clouds: str,
    zk_hosts: str,
    zk_path: str,
    port: int,
    worker: str | None = None,
) -> Path:
    path.write_text(
        f"[DEFAULT]\nstate_path = {path.parent}\n"
        f"[api]\nbind_port = {port}\n"
        f"[database]\nconnection = {database}\n"
        f"[clouds]\nconfig_file = {clouds}\n"
        f"[jobboard]\nbackend = zookeeper\nhosts = {zk_hosts}\npath = {zk_path}\n"
        "session_timeout = 2\n"
        "[planning]\nstatus_timeout = 30\n"
        + ALLOWED_NETWORKS_CONF
        + (f"[worker]\nname = {worker}\n" if worker else "")
    )
    return path


@dataclass
class Cluster:
    directory: Path
    database: str
    clouds: str
    zk_hosts: str
    zk_path: str
    api: ApiProcess | None = None
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)
    metrics_ports: dict[str, int] = field(default_factory=dict)

    def config(self, name: str, port: int = 0, worker: str | None = None) -> Path:
        return write_cluster_config(
            self.directory / f"{name}.conf",
            database=self.database,
            clouds=self.clouds,
            zk_hosts=self.zk_hosts,
            zk_path=self.zk_path,
            port=port,
            worker=worker,
        )

    def start_api(self) -> ApiProcess:
        config = self.config("api", port=free_port())
        subprocess.run(
            [str(BIN / "georedflow-manage"), "--config-file", str(config), "db", "upgrade"],
            check=True,
            capture_output=True,
        )
        port = int(config.read_text().split("bind_port = ")[1].split()[0])
        self.api = ApiProcess(config, port, self.directory / "api.log")
        self.api.start()
        for site in SITES[:3]:
            assert httpx.post(f"{self.api.url}/v1/sites", json=site).status_code == 201
        return self.api

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        config = self.config(name, worker=name)
        self.metrics_ports[name] = free_port()
        config.write_text(config.read_text() + f"metrics_port = {self.metrics_ports[name]}\n")
        with (self.directory / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [str(BIN / "georedflow-worker"), "--config-file", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text()

    def wait_for_log(self, name: str, line: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while line not in self.log(name):
            assert time.monotonic() < deadline, f"{name} never logged {line!r}"
            time.sleep(0.1)

    def records(self, job_id: str, connection_id: str) -> dict[str, list[str]]:
        """Every row of the job and of the connection, as the database holds them."""
        queries = {
            "jobs": ("SELECT * FROM jobs WHERE id = :job", "id"),
            "job_tasks": ("SELECT * FROM job_tasks WHERE job_id = :job", "name"),
            "connections": ("SELECT * FROM connections WHERE id = :connection", "id"),
            "endpoints": ("SELECT * FROM endpoints WHERE connection_id = :connection", "role"),
            "secrets": ("SELECT * FROM secrets WHERE connection_id = :connection", "id"),
            "reservations": (
                "SELECT * FROM reservations WHERE connection_id = :connection",
                "value",
            ),
        }
        engine = create_engine(self.database)
        try:
            with engine.connect() as conn:
                return {
                    table: [
                        repr(row)
                        for row in conn.execute(
                            text(f"{query} ORDER BY {order}"),
                            {"job": job_id, "connection": connection_id},
                        )
                    ]
                    for table, (query, order) in queries.items()
                }
        finally:
            engine.dispose()

    def signal(self, name: str, signum: int) -> None:
        if signum == signal.SIGKILL:
            self.killed.add(name)
        os.kill(self.workers[name].pid, signum)

    def check_workers(self) -> None:
        for name, process in self.workers.items():
            if name not in self.killed and process.poll() is not None:
                raise AssertionError(f"{name} exited: {self.log(name)[-3000:]}")

    def alive(self) -> list[str]:
        return [name for name, process in self.workers.items() if process.poll() is None]

    def stop(self) -> None:
        for process in self.workers.values():
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)  # a paused one, too
        api = self.api.process if self.api is not None else None
        if self.api is not None and api is not None and api.poll() is None:
            if not self.alive():
                self.start_worker("worker-cleanup")
            delete_every_connection(self.api.call)
        for process in self.workers.values():
            if process.poll() is None:
                process.terminate()
        for process in self.workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.api is not None:
            self.api.stop()

    def create(self, technology: str, local: str = "east", remote: str = "west") -> Any:
        assert self.api is not None
        response = httpx.post(
            f"{self.api.url}/v1/connections",
            json={
                "name": f"{technology}-{local}-{remote}",
                "mode": "warm",
                "technology": technology,
                "local": {"site": local},
                "remote": {"site": remote},
            },
            timeout=30,
        )
        assert response.status_code == 202, response.text
        return response.json()

    def job(self, job_id: str) -> Any:
        assert self.api is not None
        return self.api.get(f"/v1/jobs/{job_id}")

    def wait(self, job_id: str, timeout: float = 180) -> Any:
        deadline = time.monotonic() + timeout
        while (job := self.job(job_id))["state"] not in ("SUCCEEDED", "FAILED"):
            assert time.monotonic() < deadline, job
            self.check_workers()
            time.sleep(0.2)
        return job

    def wait_for_task(self, job_id: str, task: str, timeout: float = 60) -> Any:
        """The job once ``task`` has succeeded (and the job has not ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if any(t["name"] == task and t["state"] == "SUCCESS" for t in job["tasks"]):
                return job
            assert job["state"] not in ("SUCCEEDED", "FAILED"), job
            self.check_workers()
            time.sleep(0.05)
        raise AssertionError(f"{task} of job {job_id} did not succeed in {timeout} s")
