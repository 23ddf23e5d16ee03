"""Scaling of georedflow-workers, the critical path of one create, failover time.

    scripts/zookeeper.sh start
    .venv/bin/python -m bench.workers [--cloud sim] [--connections 40] [--latency-ms 50]
                                      [--workers 1 2 4 8]
    make lab-up && .venv/bin/python -m bench.workers --cloud lab [--workers 1 2 4]

Needs ZooKeeper on 127.0.0.1:2181 and PostgreSQL on 127.0.0.1:5432 (a throwaway
database per cluster). Prints figures; asserts nothing about time.

``--cloud sim`` (the default) runs against a SIMULATED cloud (bench/simcloud.py, its
own process): an in-memory Neutron whose every request costs ``--latency-ms`` of
waiting and no CPU, so the figures are georedflow's. It prints, for ipsec creates:

- jobs/s of 1, 2, 4, 8 workers and the ratio to one worker, after a warm-up round
  (one create per worker, not timed: a process's first job pays its imports and its
  Keystone token);
- georedflow's CPU seconds per create: user + system time of the worker processes
  (and their children), read before and after the timed round;
- one create on an idle worker, end to end (the job's created_at to updated_at)
  divided by the critical path of its cloud calls. That path comes from the
  simulated cloud's request log: every request made during the job but those naming
  another connection's resources (the API's audit reads built ones): two calls that
  overlap in time ran in parallel, a call that started after another ended waited
  for it, and the critical path is the longest chain of calls each starting after
  the one before ended (``simcloud.critical_path``), times the latency;
- a killed worker's job: the time from the kill to its next task on another worker.

``--cloud lab`` runs against the lab (real Keystone and Neutron servers): creates and
deletes of ipsec and vxlan, the critical path by the tasks' own durations, failover.
"""

import argparse
import json
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx
import psutil
import taskflow.engines
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from taskflow import task

from bench.simcloud import Record, critical_path
from georedflow.flows.create import build_create_flow
from lab.client import clouds_yaml_path, control
from tests.integration.cluster import Cluster

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NEUTRONS = ("east", "west", "far")


def when(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def set_latency(ms: int) -> None:
    for name in NEUTRONS:
        control(name).set_latency(ms)


class SimulatedCloud:
    """bench.simcloud in a process of its own (its CPU is not georedflow's)."""

    def __init__(self, directory: Path, latency_ms: int) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "bench.simcloud"),
                *("--directory", str(directory), "--latency-ms", str(latency_ms)),
            ],
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        ready = json.loads(self.process.stdout.readline() or "null")
        assert ready, "bench.simcloud did not start"
        self.clouds: str = ready["clouds"]
        self.control: str = ready["urls"]["keystone-a"] + "/_sim"

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.control}/{path}", timeout=30) as answer:
            return json.load(answer)

    def requests(self, since: int = 0) -> list[Record]:
        return [Record(**r) for r in self._get(f"requests?since={since}")["requests"]]

    def stats(self) -> dict[str, float]:
        stats: dict[str, float] = self._get("stats")
        return stats

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@contextmanager
def simulated_cloud(latency_ms: int) -> Iterator[SimulatedCloud]:
    with tempfile.TemporaryDirectory() as directory:
        cloud = SimulatedCloud(Path(directory), latency_ms)
        try:
            yield cloud
        finally:
            cloud.stop()


@contextmanager
def cluster(workers: int, zk_hosts: str, clouds: str, clean_up: bool = True) -> Iterator[Cluster]:
    """An API and ``workers`` workers on a throwaway database.

    ``clean_up=False`` (the simulation, which forgets everything when it stops)
    stops the API first, so that the cluster does not delete every connection.
    """
    name = f"georedflow_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    with tempfile.TemporaryDirectory() as directory:
        group = Cluster(
            directory=Path(directory),
            database=make_url(PG).set(database=name).render_as_string(False),
            clouds=clouds,
            zk_hosts=zk_hosts,
            zk_path=f"/georedflow-bench/{name}/jobs",
        )
        try:
            group.start_api()
            for index in range(workers):
                group.start_worker(f"worker-{index + 1}")
            yield group
        finally:
            if not clean_up and group.api is not None:
                group.api.stop()
            group.stop()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and their children so far."""
    total = 0.0
    for pid in pids:
        process = psutil.Process(pid)
        for each in [process, *process.children(recursive=True)]:
            times = each.cpu_times()
            total += times.user + times.system
    return total


def creates(group: Cluster, count: int, technology: str = "ipsec") -> list[Any]:
    """``count`` creates posted at once, waited for; their jobs."""
    accepted = [group.create(technology) for _ in range(count)]
    jobs = [group.wait(a["job"]["id"], timeout=1800) for a in accepted]
    assert all(job["state"] == "SUCCEEDED" for job in jobs), [j["state"] for j in jobs]
    return jobs


def sim_throughput(group: Cluster, connections: int, workers: int) -> tuple[float, float]:
    """Creates per second, and the workers' CPU seconds per create."""
    creates(group, workers)  # warm-up: a first job per process, not timed
    pids = [process.pid for process in group.workers.values()]
    cpu_before, started = cpu_seconds(pids), time.monotonic()
    creates(group, connections)
    elapsed, cpu = time.monotonic() - started, cpu_seconds(pids) - cpu_before
    return connections / elapsed, cpu / connections


def sim_single_create(
    group: Cluster, cloud: SimulatedCloud, latency_ms: int
) -> tuple[float, int, Counter[str]]:
    """One create alone: end to end, its critical path in calls, its requests per site."""
    since = len(cloud.requests())
    (job,) = creates(group, 1)
    started, finished = when(job["created_at"]), when(job["updated_at"])
    during = [
        r
        for r in cloud.requests(since)
        if started <= r.start
        and r.end <= finished
        # the API's audit of earlier connections reads their resources meanwhile
        and r.connection in (None, job["connection_id"])
    ]
    return finished - started, len(critical_path(during)), Counter(r.site for r in during)


def run_sim(args: argparse.Namespace) -> None:
    latency = args.latency_ms / 1000
    with simulated_cloud(args.latency_ms) as cloud:
        print(
            f"SIMULATED cloud (bench/simcloud.py: in-memory Keystone and Neutron, "
            f"{args.latency_ms} ms of waiting and no CPU per Neutron request)"
        )
        print(f"{args.connections} ipsec creates, after one warm-up create per worker")
        print("| workers | creates/s | x 1 worker | worker CPU s per create |")
        print("|--------:|----------:|-----------:|------------------------:|")
        rates: dict[int, float] = {}
        for workers in args.workers:
            with cluster(workers, args.zookeeper, cloud.clouds, clean_up=False) as group:
                rates[workers], cpu = sim_throughput(group, args.connections, workers)
            ratio = rates[workers] / rates[args.workers[0]]
            print(f"| {workers:>7} | {rates[workers]:>9.2f} | {ratio:>10.2f} | {cpu:>23.3f} |")
        with cluster(1, args.zookeeper, cloud.clouds, clean_up=False) as group:
            creates(group, 1)  # warm-up
            singles = [
                sim_single_create(group, cloud, args.latency_ms) for _ in range(args.singles)
            ]
        ratios = [end_to_end / (calls * latency) for end_to_end, calls, _ in singles]
        median = statistics.median_low(ratios)
        end_to_end, calls, per_site = singles[ratios.index(median)]
        sites = ", ".join(f"{site} {n}" for site, n in sorted(per_site.items()))
        print(
            f"one ipsec create on an idle worker (median of {args.singles}): "
            f"{end_to_end:5.2f} s end to end, critical path {calls} calls x "
            f"{args.latency_ms} ms = {calls * latency:5.2f} s, ratio {median:4.2f} "
            f"(all: {' '.join(f'{r:4.2f}' for r in ratios)}); requests: {sites}"
        )
        with cluster(2, args.zookeeper, cloud.clouds, clean_up=False) as group:
            print(
                f"worker killed mid-job: next task started on the other worker "
                f"{failover(group):4.2f} s later (session timeout 2 s)"
            )
        stats = cloud.stats()
        print(
            f"the simulated cloud's own CPU: {stats['cpu_seconds']:.2f} s "
            f"for {stats['requests']:.0f} Neutron requests"
        )


def throughput(group: Cluster, connections: int) -> float:
    started = time.monotonic()
    created = [group.create("ipsec" if i % 2 else "vxlan") for i in range(connections)]
    for accepted in created:
        assert group.wait(accepted["job"]["id"], timeout=1800)["state"] == "SUCCEEDED"
    assert group.api is not None
    deletes = [
        group.api.delete(f"/v1/connections/{a['connection']['id']}")["job"]["id"] for a in created
    ]
    for job_id in deletes:
        assert group.wait(job_id, timeout=1800)["state"] == "SUCCEEDED"
    return 2 * connections / (time.monotonic() - started)


def tasks_critical_path(job: dict[str, Any]) -> float:
    """Seconds of the longest chain of dependent tasks, by the tasks' own durations."""
    durations = {
        t["name"]: when(t["finished_at"]) - when(t["started_at"])
        for t in job["tasks"]
        if t["started_at"] and t["finished_at"]
    }
    engine = taskflow.engines.load(build_create_flow("ipsec"))
    engine.compile()
    graph = engine.compilation.execution_graph
    finish: dict[Any, float] = {}
    for node in _topological(graph):
        before = max((finish[p] for p in graph.predecessors(node)), default=0.0)
        own = durations.get(node.name, 0.0) if isinstance(node, task.Task) else 0.0
        finish[node] = before + own
    return max(finish.values())


def _topological(graph: Any) -> list[Any]:
    return list(networkx.topological_sort(graph))


def single_create(group: Cluster) -> tuple[float, float]:
    accepted = group.create("ipsec")
    job = group.wait(accepted["job"]["id"])
    end_to_end = when(job["updated_at"]) - when(job["created_at"])
    return end_to_end, tasks_critical_path(job)


def failover(group: Cluster) -> float:
    accepted = group.create("ipsec")
    job_id = accepted["job"]["id"]
    owner = group.wait_for_task(job_id, "CreateRouter-local")["workers"][-1]
    killed_at = time.time()
    group.signal(owner, signal.SIGKILL)
    job = group.wait(job_id)
    resumed = [
        when(t["started_at"])
        for t in job["tasks"]
        if t["worker"]
        and t["worker"] != owner
        and t["started_at"]
        and when(t["started_at"]) > killed_at
    ]
    return min(resumed) - killed_at


def run_lab(args: argparse.Namespace) -> None:
    clouds = str(clouds_yaml_path())
    set_latency(args.latency_ms)
    try:
        print(
            f"LAB (real Keystone and Neutron servers, python3 -m lab): {args.connections} "
            f"creates + {args.connections} deletes (ipsec and vxlan), "
            f"{args.latency_ms} ms added to every Neutron request"
        )
        print("| workers | jobs/s | x 1 worker |")
        print("|--------:|-------:|-----------:|")
        rates: dict[int, float] = {}
        for workers in args.workers:
            with cluster(workers, args.zookeeper, clouds) as group:
                rates[workers] = throughput(group, args.connections)
            ratio = rates[workers] / rates[args.workers[0]]
            print(f"| {workers:>7} | {rates[workers]:>6.2f} | {ratio:>10.2f} |")
        with cluster(1, args.zookeeper, clouds) as group:
            end_to_end, path = single_create(group)
        print(
            f"one ipsec create: {end_to_end:5.2f} s end to end, {path:5.2f} s of tasks "
            f"on the critical path, ratio {end_to_end / path:4.2f}"
        )
        with cluster(2, args.zookeeper, clouds) as group:
            print(
                f"worker killed mid-job: next task started on the other worker "
                f"{failover(group):4.2f} s later (session timeout 2 s)"
            )
    finally:
        set_latency(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cloud", choices=("sim", "lab"), default="sim")
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", help="default: sim 1 2 4 8, lab 1 2 4")
    parser.add_argument("--singles", type=int, default=3, help="sim: creates for the ratio")
    parser.add_argument("--zookeeper", default="127.0.0.1:2181")
    args = parser.parse_args()
    if args.cloud == "sim":
        args.workers = args.workers or [1, 2, 4, 8]
        run_sim(args)
    else:
        args.workers = args.workers or [1, 2, 4]
        run_lab(args)


if __name__ == "__main__":
    main()
