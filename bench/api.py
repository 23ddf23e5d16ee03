"""Reads of georedflow-api at 10,000 connections, against a bare FastAPI route in the same run.

    apt-get install -y wrk      # once: the load generator
    .venv/bin/python -m bench.api [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Creates a throwaway PostgreSQL database, migrates it and seeds 10,000 connections
(two sites, two endpoints each, one finished create job with its task rows),
starts georedflow-api on it (noauth, the embedded job board, an empty clouds.yaml,
the audit off: no GET needs a cloud) and a bare FastAPI app under uvicorn whose one
route returns a constant connection-shaped document. Both are one process with the same
server: uvicorn's defaults, so httptools and uvloop (uvicorn[standard], a dependency of
georedflow); the bare app writes no access log, georedflow-api writes its line per
request as it does in service. Each is driven by
``wrk -t2 -c50 -d10s``, a random id per request. Prints req/s, p50, p99 and the
ratio to the bare route; asserts nothing about time. Drops the database at the end.
"""

import argparse
import importlib.util
import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from georedflow.jobs import persistence
from georedflow.storage import db, migrate
from georedflow.storage.models import Connection, Endpoint, Job, JobTask, Site

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TASKS = (
    "Checkpoint",
    "CreateNetwork-local",
    "CreateSubnet-local",
    "CreateNetwork-remote",
    "CreateSubnet-remote",
    "ApplyBandwidthLimit-local",
    "ApplyBandwidthLimit-remote",
    "MarkActive",
)

# What GET /v1/connections/{id} answers for one seeded connection, as a constant.
DOCUMENT: dict[str, Any] = {
    "id": "0b5cf5a8-7a6e-4a4e-9f59-2a3c1f0e8d11",
    "name": "bench-00000",
    "mode": "warm",
    "technology": "vxlan",
    "scope": "region",
    "state": "ACTIVE",
    "local": {
        "site": "east",
        "cell": None,
        "cidr": "10.0.0.0/24",
        "network_id": "5d3a3e4f-2b1a-4c6d-8e9f-0a1b2c3d4e5f",
        "subnet_id": "6e4b4f50-3c2b-4d7e-9f00-1b2c3d4e5f60",
        "router_id": None,
        "resources": [
            {"type": "network", "id": "5d3a3e4f-2b1a-4c6d-8e9f-0a1b2c3d4e5f"},
            {"type": "subnet", "id": "6e4b4f50-3c2b-4d7e-9f00-1b2c3d4e5f60"},
        ],
    },
    "remote": {
        "site": "west",
        "cell": None,
        "cidr": "10.0.0.0/24",
        "network_id": "7f5c5061-4d3c-4e8f-a011-2c3d4e5f6071",
        "subnet_id": "80606172-5e4d-4f90-b122-3d4e5f607182",
        "router_id": None,
        "resources": [
            {"type": "network", "id": "7f5c5061-4d3c-4e8f-a011-2c3d4e5f6071"},
            {"type": "subnet", "id": "80606172-5e4d-4f90-b122-3d4e5f607182"},
        ],
    },
    "parameters": {"segmentation_id": 5000, "mtu": 1450, "cidr": "10.0.0.0/24"},
    "primary": "local",
    "findings": [],
    "audited_at": None,
    "job_id": "91717283-6f5e-4001-8233-4e5f60718293",
    "error": None,
    "leftovers": [],
    "created_at": "2025-01-01T00:00:00Z",
    "updated_at": "2025-01-01T00:00:00Z",
}

bare_app = FastAPI()


@bare_app.get("/v1/connections/{connection_id}")
def bare_connection(connection_id: str) -> dict[str, Any]:
    return DOCUMENT


# One random id of the list per request; done() prints the figures as one JSON line.
LUA = """
local ids = {%(ids)s}
local prefix = "%(prefix)s"
local suffix = "%(suffix)s"
function setup(thread) thread:set("seed", math.random(1, 1e9)) end
function init(args) math.randomseed(seed) end
function request()
  return wrk.format("GET", prefix .. ids[math.random(#ids)] .. suffix)
end
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(admin_url: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database; dropped afterwards."""
    name = f"georedflow_bench_api_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        engine = db.make_engine(url)
        persistence.upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def seed(url: str, count: int) -> tuple[list[str], list[str]]:
    """``count`` connections on two sites, each with its finished job; their ids, job ids."""
    engine = db.make_engine(url)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    sites = [
        {"id": str(uuid.uuid4()), "name": name, "cloud": f"lab-{name}", "region": region}
        for name, region in (("east", "RegionOne"), ("west", "RegionTwo"))
    ]
    connections, endpoints, jobs, tasks = [], [], [], []
    for i in range(count):
        at = start + timedelta(seconds=i)
        connection_id, job_id = str(uuid.uuid4()), str(uuid.uuid4())
        cidr = f"10.{i // 256 % 256}.{i % 256}.0/24"
        connections.append(
            {
                "id": connection_id,
                "name": f"bench-{i:05d}",
                "project_id": None,
                "mode": "warm",
                "technology": "vxlan",
                "scope": "region",
                "state": "ACTIVE",
                "parameters": {"segmentation_id": 5000 + i, "mtu": 1450, "cidr": cidr},
                "options": {},
                "job_id": job_id,
                "plan": {},
                "primary_role": "local",
                "findings": [],
                "leftovers": [],
                "created_at": at,
                "updated_at": at,
            }
        )
        for role, site in zip(("local", "remote"), sites, strict=True):
            resources = [{"type": kind, "id": str(uuid.uuid4())} for kind in ("network", "subnet")]
            endpoints.append(
                {
                    "connection_id": connection_id,
                    "role": role,
                    "site_id": site["id"],
                    "cidr": cidr,
                    "resources": resources,
                }
            )
        jobs.append(
            {
                "id": job_id,
                "kind": "create",
                "connection_id": connection_id,
                "state": "SUCCEEDED",
                "progress": 1.0,
                "attempts": 1,
                "workers": ["bench-api"],
                "logbook_id": str(uuid.uuid4()),
                "started_at": at,
                "finished_at": at + timedelta(seconds=5),
                "created_at": at,
                "updated_at": at + timedelta(seconds=5),
            }
        )
        for n, name in enumerate(TASKS):
            site = None if "-" not in name else name.rsplit("-", 1)[1]
            tasks.append(
                {
                    "job_id": job_id,
                    "name": name,
                    "site": {"local": "east", "remote": "west"}.get(site or ""),
                    "state": "SUCCESS",
                    "worker": "bench-api",
                    "started_at": at + timedelta(milliseconds=500 * n),
                    "finished_at": at + timedelta(milliseconds=500 * n + 400),
                }
            )
    with Session(engine) as session, session.begin():
        session.execute(insert(Site), sites)
        for model, rows in ((Connection, connections), (Endpoint, endpoints), (Job, jobs)):
            for chunk in _chunks(rows):
                session.execute(insert(model), chunk)
        for chunk in _chunks(tasks):
            session.execute(insert(JobTask), chunk)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return [c["id"] for c in connections], [j["id"] for j in jobs]


@contextmanager
def server(command: list[str], ready: str, log: Path) -> Iterator[None]:
    """A server process, until it answers 200 at ``ready``; terminated afterwards."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(ready, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def drive(base: str, prefix: str, ids: list[str], suffix: str, work: Path, seconds: int) -> Figures:
    """``wrk -t2 -c50`` on ``base + prefix + <a random id> + suffix``."""
    script = work / f"wrk-{secrets.token_hex(3)}.lua"
    quoted = ",".join(f'"{i}"' for i in ids)
    script.write_text(LUA % {"ids": quoted, "prefix": prefix, "suffix": suffix})
    httpx.get(f"{base}{prefix}{ids[0]}{suffix}", timeout=30).raise_for_status()  # warm
    done = subprocess.run(
        ["wrk", "-t2", "-c50", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [row for row in done.stdout.splitlines() if row.startswith("{")][-1]
    figures = json.loads(line)
    return Figures(
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=figures["errors"],
    )


def write_config(directory: Path, url: str, port: int) -> Path:
    clouds = directory / "clouds.yaml"
    clouds.write_text("clouds: {}\n")  # never used: no GET calls a cloud
    path = directory / "georedflow.conf"
    path.write_text(
        f"[DEFAULT]\nstate_path = {directory}\n"
        f"[api]\nbind_port = {port}\nauth_strategy = noauth\n"
        f"[database]\nconnection = {url}\n"
        f"[clouds]\nconfig_file = {clouds}\n"
        "[jobboard]\nbackend = embedded\n"
        # The audit would call the (absent) clouds for every ACTIVE connection.
        "[standby]\naudit = false\n"
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=PG, help="an admin URL of the PostgreSQL server")
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk -d per endpoint")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench.api needs wrk: apt-get install -y wrk")
    bin_dir = Path(sys.executable).parent
    # What uvicorn's "auto" resolves to, for both processes (the same interpreter).
    fast = all(importlib.util.find_spec(name) for name in ("httptools", "uvloop"))
    print(f"uvicorn {uvicorn.__version__}: {'httptools, uvloop' if fast else 'h11, asyncio'}")
    rows: list[tuple[str, Figures]] = []
    with tempfile.TemporaryDirectory() as tmp, database(args.url) as url:
        work = Path(tmp)
        started = time.perf_counter()
        connection_ids, job_ids = seed(url, args.connections)
        print(f"seeded {args.connections} connections in {time.perf_counter() - started:.1f} s")
        bare_port, api_port = free_port(), free_port()
        bare = f"http://127.0.0.1:{bare_port}"
        bare_cmd = [str(bin_dir / "python"), "-m", "uvicorn", "bench.api:bare_app"]
        bare_cmd += ["--port", str(bare_port), "--log-level", "warning", "--no-access-log"]
        with server(bare_cmd, f"{bare}/v1/connections/x", work / "bare.log"):
            figures = drive(bare, "/v1/connections/", connection_ids, "", work, args.seconds)
            rows.append(("bare FastAPI route", figures))
        api = f"http://127.0.0.1:{api_port}"
        config = write_config(work, url, api_port)
        api_cmd = [str(bin_dir / "georedflow-api"), "--config-file", str(config)]
        with server(api_cmd, f"{api}/readyz", work / "api.log"):
            for label, prefix, chosen, suffix in (
                ("GET /v1/connections/{id}", "/v1/connections/", connection_ids, ""),
                ("GET /v1/jobs/{id}", "/v1/jobs/", job_ids, ""),
                ("GET /v1/connections?limit=100", "/v1/connections", [""], "?limit=100"),
            ):
                rows.append((label, drive(api, prefix, chosen, suffix, work, args.seconds)))
    print_table(rows)


def print_table(rows: list[tuple[str, Figures]]) -> None:
    base = rows[0][1].rps
    print(f"\n{'endpoint':32s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'x bare':>7s}  errors")
    for label, f in rows:
        print(
            f"{label:32s} {f.rps:8.0f} {f.p50_ms:8.1f} {f.p99_ms:8.1f} {f.rps / base:7.2f}  "
            f"{f.errors}"
        )


if __name__ == "__main__":
    main()
