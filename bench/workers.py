"""Throughput of 1, 2 and 4 georedflow-workers, the critical path of one create, failover time.

    make lab-up && scripts/zookeeper.sh start
    .venv/bin/python -m bench.workers [--connections 40] [--latency-ms 50] [--workers 1 2 4]

Needs the lab, ZooKeeper on 127.0.0.1:2181 and PostgreSQL on 127.0.0.1:5432 (a
throwaway database per run). Every Neutron request gets the injected latency.
Prints figures; asserts nothing about time.
"""

import argparse
import secrets
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx
import taskflow.engines
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from taskflow import task

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


@contextmanager
def cluster(workers: int, zk_hosts: str) -> Iterator[Cluster]:
    name = f"georedflow_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    with tempfile.TemporaryDirectory() as directory:
        group = Cluster(
            directory=Path(directory),
            database=make_url(PG).set(database=name).render_as_string(False),
            clouds=str(clouds_yaml_path()),
            zk_hosts=zk_hosts,
            zk_path=f"/georedflow-bench/{name}/jobs",
        )
        try:
            group.start_api()
            for index in range(workers):
                group.start_worker(f"worker-{index + 1}")
            yield group
        finally:
            group.stop()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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


def critical_path(job: dict[str, Any]) -> float:
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
    return end_to_end, critical_path(job)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--zookeeper", default="127.0.0.1:2181")
    args = parser.parse_args()
    set_latency(args.latency_ms)
    try:
        print(
            f"{args.connections} creates + {args.connections} deletes "
            f"(ipsec and vxlan), {args.latency_ms} ms added to every Neutron request"
        )
        rates: dict[int, float] = {}
        for workers in args.workers:
            with cluster(workers, args.zookeeper) as group:
                rates[workers] = throughput(group, args.connections)
            print(
                f"  {workers} worker(s): {rates[workers]:6.2f} jobs/s   "
                f"{rates[workers] / rates[args.workers[0]]:4.2f} x {args.workers[0]} worker(s)"
            )
        with cluster(1, args.zookeeper) as group:
            end_to_end, path = single_create(group)
        print(
            f"one ipsec create: {end_to_end:5.2f} s end to end, {path:5.2f} s of tasks "
            f"on the critical path, ratio {end_to_end / path:4.2f}"
        )
        with cluster(2, args.zookeeper) as group:
            print(
                f"worker killed mid-job: next task started on the other worker "
                f"{failover(group):4.2f} s later (session timeout 2 s)"
            )
    finally:
        set_latency(0)


if __name__ == "__main__":
    main()
