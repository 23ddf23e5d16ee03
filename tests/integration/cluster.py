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

from tests.conftest import free_port
from tests.integration.harness import ALLOWED_NETWORKS_CONF, SITES, ApiProcess

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

    def signal(self, name: str, signum: int) -> None:
        if signum == signal.SIGKILL:
            self.killed.add(name)
        os.kill(self.workers[name].pid, signum)

    def check_workers(self) -> None:
        for name, process in self.workers.items():
            if name not in self.killed and process.poll() is not None:
                raise AssertionError(f"{name} exited: {self.log(name)[-3000:]}")

    def stop(self) -> None:
        for process in self.workers.values():
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
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
