"""The crash matrix: a runner SIGKILLed after any task resumes the flow; nothing is made twice.

The boundaries are generated from the flow factories, not listed by hand: a flow of
N tasks has the boundaries k = 1 … N-1 ("k tasks have succeeded"). For each one a
fresh job is watched until exactly k of its tasks show SUCCESS, the process running
it is SIGKILLed on the spot, and the job must then finish on its own — the embedded
runner resumes it when georedflow-api is started again, a second ZooKeeper worker
takes it over — with ``attempts == 2`` and exactly the resources an uninterrupted run
makes on both sites, none of them twice (a kill while a create request is in flight
loses its answer: the resumed task must find the resource by name). Parallel branches
make "k tasks done" a set rather than one task; each case records the set it was
killed at.

The watch reads the job's task rows straight from the database the runner writes
(SQLite in WAL mode, or PostgreSQL: a reader never blocks the writer), every few
milliseconds, without taking the API process's time. The lab adds a different latency
to every Neutron request on each site, so each task is wide and the two sites' tasks
rarely finish together.
"""

import collections
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from taskflow.flow import Flow

from georedflow.clouds.kinds import KINDS, owner_prefix
from georedflow.clouds.openstack import Clouds
from georedflow.clouds.ownership import owned
from georedflow.flows.create import build_create_flow
from georedflow.flows.delete import build_delete_flow
from georedflow.storage.db import make_engine
from georedflow.storage.models import Job, JobTask
from tests.conftest import free_port
from tests.integration.cluster import BIN, Cluster
from tests.integration.harness import CLOUD_OF, SITES, ApiProcess, write_config

SIDES = ("east", "west")  # local and remote of every connection here
# Per-request latency while a job is aimed at (ms): different per site, so that the two
# sites' parallel tasks do not finish in the same instant.
AIM_LATENCY = {"east": 40, "west": 65}
WATCH_INTERVAL = 0.003  # s between two reads of the job's task rows
MODE = "warm"


def flow_tasks(flow: Flow) -> list[str]:
    """The names of every task of ``flow``, nested flows included."""
    names: list[str] = []
    for item, _meta in flow.iter_nodes():
        names += flow_tasks(item) if isinstance(item, Flow) else [item.name]
    return names


FLOWS: dict[tuple[str, str], Callable[[], Flow]] = {
    ("ipsec", "create"): lambda: build_create_flow("ipsec", MODE),
    ("vxlan", "create"): lambda: build_create_flow("vxlan", MODE),
    ("ipsec", "delete"): lambda: build_delete_flow("ipsec"),
}
TASKS = {key: flow_tasks(factory()) for key, factory in FLOWS.items()}


def boundaries(technology: str, operation: str) -> list[int]:
    """k = 1 … N-1: after the first task and before the last one."""
    return list(range(1, len(TASKS[technology, operation])))


def spread(points: list[int], count: int) -> list[int]:
    """``count`` of ``points``, evenly spaced, the first and the last included."""
    return sorted({points[i * (len(points) - 1) // (count - 1)] for i in range(count)})


EMBEDDED_CASES = [
    pytest.param(tech, op, k, id=f"{tech}-{op}-after-{k}-of-{len(TASKS[tech, op])}")
    for tech, op in FLOWS
    for k in boundaries(tech, op)
]
ZOOKEEPER_CASES = [
    pytest.param(k, id=f"ipsec-create-after-{k}-of-{len(TASKS['ipsec', 'create'])}")
    for k in spread(boundaries("ipsec", "create"), 6)
]


# --- what each case found, printed as a table at the end of the run -------------------


@dataclass
class Case:
    board: str
    technology: str
    operation: str
    aimed: int
    landed: int | None = None  # tasks SUCCESS when the runner died
    in_flight: list[str] = field(default_factory=list)  # tasks RUNNING when it died
    passed: bool = False
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # s: to the kill, resume, clean

    def lap(self, phase: str, since: float) -> float:
        now = time.monotonic()
        self.phases[phase] = now - since
        return now


RESULTS: list[Case] = []


class CrashTable:
    """A pytest plugin that prints the matrix in the terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not RESULTS:
            return
        write = terminalreporter.write_line
        terminalreporter.section("crash matrix: SIGKILL after k tasks, then resume")
        write(
            f"{'board':<10} {'technology':<10} {'operation':<9} {'tasks':>5} {'cases':>5} "
            f"{'passed':>6} {'exact':>5} {'s/case':>6}  missed (aimed->landed)"
        )
        groups: dict[tuple[str, str, str], list[Case]] = collections.defaultdict(list)
        for case in RESULTS:
            groups[case.board, case.technology, case.operation].append(case)
        for (board, tech, op), cases in groups.items():
            exact = [c for c in cases if c.landed == c.aimed]
            missed = ", ".join(f"{c.aimed}->{c.landed}" for c in cases if c.landed != c.aimed)
            write(
                f"{board:<10} {tech:<10} {op:<9} {len(TASKS[tech, op]):>5} {len(cases):>5} "
                f"{sum(c.passed for c in cases):>6} {len(exact):>5} "
                f"{sum(c.seconds for c in cases) / len(cases):>6.1f}  {missed or '-'}"
            )
        if terminalreporter.verbosity > 0:  # -v: where each case was killed
            for c in RESULTS:
                state = "passed" if c.passed else "FAILED"
                write(
                    f"  {c.board} {c.technology} {c.operation} after {c.aimed} "
                    f"(landed {c.landed}) {state} "
                    + " ".join(f"{p} {s:.1f}s" for p, s in c.phases.items())
                    + f"; in flight {', '.join(c.in_flight) or '-'}"
                )


@pytest.fixture(scope="module", autouse=True)
def crash_table(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("georedflow-crash-table"):
        manager.register(CrashTable(), "georedflow-crash-table")


# --- watching a job and the sites -----------------------------------------------------


@dataclass
class Snapshot:
    state: str
    workers: list[str]
    tasks: dict[str, str]

    def named(self, state: str) -> list[str]:
        return sorted(name for name, shown in self.tasks.items() if shown == state)


class JobWatch:
    """The job's rows read straight from the database, as the runner last wrote them."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)

    def read(self, job_id: str) -> Snapshot:
        with self.engine.connect() as conn:
            state, workers = conn.execute(
                select(Job.state, Job.workers).where(Job.id == job_id)
            ).one()
            rows = conn.execute(
                select(JobTask.name, JobTask.state).where(JobTask.job_id == job_id)
            ).all()
        return Snapshot(state, list(workers), {name: shown for name, shown in rows})

    def until_done(self, job_id: str, k: int, timeout: float = 180) -> Snapshot:
        """The job as soon as at least ``k`` of its tasks succeeded, or it ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.read(job_id)
            if seen.state in ("SUCCEEDED", "FAILED") or len(seen.named("SUCCESS")) >= k:
                return seen
            time.sleep(WATCH_INTERVAL)
        raise AssertionError(f"job {job_id}: {k} tasks did not succeed in {timeout} s")

    def close(self) -> None:
        self.engine.dispose()


def made_on_sites(clouds: Clouds, connection_id: str) -> dict[str, collections.Counter[str]]:
    """``kind step`` of every resource named after the connection, counted, per site."""
    prefix = owner_prefix(connection_id)
    return {
        site: collections.Counter(
            f"{kind} {str(r['name']).removeprefix(prefix)}"
            for kind in KINDS
            for r in owned(clouds.driver(site, *CLOUD_OF[site]), kind, connection_id)
        )
        for site in SIDES
    }


def set_latency(lab: dict[str, Any], latency: dict[str, int] | None) -> None:
    for site in SIDES:
        lab[site].set_latency(0 if latency is None else latency[site])


def api_wait(api: ApiProcess, job_id: str, timeout: float = 180) -> Any:
    deadline = time.monotonic() + timeout
    while (job := api.get(f"/v1/jobs/{job_id}"))["state"] not in ("SUCCEEDED", "FAILED"):
        assert time.monotonic() < deadline, f"job {job_id} did not end in {timeout} s: {job}"
        time.sleep(0.1)
    return job


def create(api: ApiProcess, technology: str) -> Any:
    response = httpx.post(
        f"{api.url}/v1/connections",
        json={
            "name": f"crash-{technology}",
            "mode": MODE,
            "technology": technology,
            "local": {"site": SIDES[0]},
            "remote": {"site": SIDES[1]},
        },
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return response.json()


def delete(api: ApiProcess, connection_id: str) -> str:
    response = httpx.delete(f"{api.url}/v1/connections/{connection_id}", timeout=30)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["job"]["id"]
    return job_id


def delete_cleanly(api: ApiProcess, clouds: Clouds, connection_id: str) -> None:
    """Delete the connection; the job must succeed and leave nothing on either site."""
    job = api_wait(api, delete(api, connection_id))
    assert job["state"] == "SUCCEEDED", job
    assert made_on_sites(clouds, connection_id) == {site: {} for site in SIDES}


def check_killed_at(seen: Snapshot, k: int, operation: str, technology: str) -> None:
    """The runner died mid-job, with at least ``k`` tasks (all of this flow's) done."""
    assert seen.state == "RUNNING", f"the job was not running when killed: {seen}"
    assert set(seen.tasks) == set(TASKS[technology, operation]), seen.tasks
    assert len(seen.named("SUCCESS")) >= k, seen


# --- the embedded default: SQLite, the runner inside georedflow-api --------------------


@dataclass
class Embedded:
    api: ApiProcess
    watch: JobWatch
    clouds: Clouds
    reference: dict[str, dict[str, collections.Counter[str]]] = field(default_factory=dict)
    # Connections a passed create case left built (checked exact), for a delete case to
    # take instead of building one: each is deleted once, by a case or at the end.
    spares: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    kept: collections.Counter[str] = field(default_factory=collections.Counter)

    def built(self, technology: str) -> dict[str, collections.Counter[str]]:
        """What an uninterrupted create of ``technology`` makes on each site (run once)."""
        if technology not in self.reference:
            accepted = create(self.api, technology)
            job = api_wait(self.api, accepted["job"]["id"])
            assert job["state"] == "SUCCEEDED", job
            assert sorted(t["name"] for t in job["tasks"]) == sorted(TASKS[technology, "create"]), (
                "the job runs another flow than the factory builds"
            )
            made = made_on_sites(self.clouds, accepted["connection"]["id"])
            delete_cleanly(self.api, self.clouds, accepted["connection"]["id"])
            for site, names in made.items():
                assert names and max(names.values()) == 1, f"{site}: {names}"
            self.reference[technology] = made
        return self.reference[technology]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, lab_clouds: str) -> Iterator[Embedded]:
    directory = tmp_path_factory.mktemp("crash-embedded")
    port = free_port()
    config = write_config(directory, lab_clouds, port)
    subprocess.run(
        [str(BIN / "georedflow-manage"), "--config-file", str(config), "db", "upgrade"],
        check=True,
        capture_output=True,
    )
    api = ApiProcess(config, port, directory / "api.log")
    api.start()
    watch = JobWatch(f"sqlite:///{directory / 'georedflow.sqlite'}")
    group = Embedded(api, watch, Clouds(lab_clouds))
    try:
        for site in SITES:
            if site["name"] in SIDES:
                assert httpx.post(f"{api.url}/v1/sites", json=site).status_code == 201
        yield group
    finally:
        try:
            for connection_id in [c for spares in group.spares.values() for c in spares]:
                delete_cleanly(api, group.clouds, connection_id)
        finally:
            watch.close()
            api.stop()


# How many built connections the delete cases of each technology can take from the
# create cases before them (pytest runs the parameters in the order of EMBEDDED_CASES).
SPARES_WANTED = collections.Counter(
    tech for tech, op in FLOWS for _k in boundaries(tech, op) if op == "delete"
)


@pytest.mark.lab
@pytest.mark.parametrize(("technology", "operation", "k"), EMBEDDED_CASES)
def test_api_killed_after_any_task_resumes_and_builds_once(
    embedded: Embedded, lab: dict[str, Any], technology: str, operation: str, k: int
) -> None:
    case = Case("embedded", technology, operation, k)
    RESULTS.append(case)
    started = lap = time.monotonic()
    api, clouds = embedded.api, embedded.clouds
    expected = embedded.built(technology)
    spares = embedded.spares[technology]
    if operation == "delete" and spares:
        connection_id, accepted = spares.pop(0), None  # built and checked by a create case
    else:
        accepted = create(api, technology)
        connection_id = accepted["connection"]["id"]
    kept = deleted = False
    try:
        if accepted is not None and operation == "create":
            job_id = accepted["job"]["id"]
        else:
            if accepted is not None:
                built = api_wait(api, accepted["job"]["id"])
                assert built["state"] == "SUCCEEDED", built
            job_id = delete(api, connection_id)
        set_latency(lab, AIM_LATENCY)
        lap = case.lap("setup", started)
        embedded.watch.until_done(job_id, k)
        api.kill()
        lap = case.lap("to-kill", lap)
        set_latency(lab, None)
        at_kill = embedded.watch.read(job_id)  # what the dead process left
        case.landed, case.in_flight = len(at_kill.named("SUCCESS")), at_kill.named("RUNNING")
        check_killed_at(at_kill, k, operation, technology)
        api.start()  # same configuration, same database: it resumes the job
        lap = case.lap("restart", lap)
        job = api_wait(api, job_id)
        lap = case.lap("resume", lap)

        assert job["state"] == "SUCCEEDED", (job, at_kill)
        assert job["attempts"] == 2, job
        assert len(set(job["workers"])) == 2, job
        if operation == "create":
            shown = api.get(f"/v1/connections/{connection_id}")
            assert shown["state"] == "ACTIVE", shown
            assert made_on_sites(clouds, connection_id) == expected, at_kill
            if embedded.kept[technology] < SPARES_WANTED[technology]:
                spares.append(connection_id)  # a delete case takes it, or the teardown
                embedded.kept[technology] += 1
                kept = True
        else:
            deleted = True
            gone = httpx.get(f"{api.url}/v1/connections/{connection_id}", timeout=10)
            assert gone.status_code == 404, gone.text
            assert made_on_sites(clouds, connection_id) == {site: {} for site in SIDES}
    finally:
        set_latency(lab, None)
        if not (deleted or kept):
            delete_cleanly(api, clouds, connection_id)
        case.lap("clean", lap)
        case.seconds = time.monotonic() - started
    case.passed = True


# --- ZooKeeper and two workers, PostgreSQL for everything ------------------------------


@dataclass
class Workers:
    cluster: Cluster
    watch: JobWatch
    clouds: Clouds
    started: int = 0

    def add_worker(self) -> str:
        self.started += 1
        name = f"worker-{self.started}"
        self.cluster.start_worker(name)
        return name

    def alive(self) -> set[str]:
        return {
            name
            for name, process in self.cluster.workers.items()
            if name not in self.cluster.killed and process.poll() is None
        }


@pytest.fixture(scope="module")
def workers(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_admin_url: str,
    zookeeper_hosts: str,
    lab_clouds: str,
) -> Iterator[Workers]:
    """An API and two workers on a fresh ZooKeeper path and PostgreSQL database."""
    name = f"georedflow_test_{secrets.token_hex(4)}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    cluster = Cluster(
        directory=tmp_path_factory.mktemp("crash-cluster"),
        database=url,
        clouds=lab_clouds,
        zk_hosts=zookeeper_hosts,
        zk_path=f"/georedflow-test/{secrets.token_hex(4)}/jobs",
    )
    group = Workers(cluster, JobWatch(url), Clouds(lab_clouds))
    try:
        cluster.start_api()
        group.add_worker()
        group.add_worker()
        yield group
    finally:
        group.watch.close()
        cluster.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.lab
@pytest.mark.zookeeper
@pytest.mark.postgres
@pytest.mark.parametrize("k", ZOOKEEPER_CASES)
def test_worker_killed_after_a_task_is_taken_over_and_builds_once(
    workers: Workers, embedded: Embedded, lab: dict[str, Any], k: int
) -> None:
    case = Case("zookeeper", "ipsec", "create", k)
    RESULTS.append(case)
    started = lap = time.monotonic()
    cluster = workers.cluster
    assert cluster.api is not None
    expected = embedded.built("ipsec")  # the same flow makes the same resources
    assert len(workers.alive()) == 2, workers.alive()
    accepted = create(cluster.api, "ipsec")
    job_id, connection_id = accepted["job"]["id"], accepted["connection"]["id"]
    try:
        lap = case.lap("setup", started)
        set_latency(lab, AIM_LATENCY)
        seen = workers.watch.until_done(job_id, k)
        victim = seen.workers[-1]
        cluster.signal(victim, signal.SIGKILL)
        cluster.workers[victim].wait(timeout=10)
        lap = case.lap("to-kill", lap)
        set_latency(lab, None)
        at_kill = workers.watch.read(job_id)
        case.landed, case.in_flight = len(at_kill.named("SUCCESS")), at_kill.named("RUNNING")
        check_killed_at(at_kill, k, "create", "ipsec")
        (survivor,) = workers.alive()
        job = cluster.wait(job_id)
        lap = case.lap("takeover+resume", lap)

        assert job["state"] == "SUCCEEDED", (job, at_kill)
        assert job["attempts"] == 2, job
        assert job["workers"] == [victim, survivor], job
        assert cluster.job(job_id)["state"] == "SUCCEEDED"
        shown = cluster.api.get(f"/v1/connections/{connection_id}")
        assert shown["state"] == "ACTIVE", shown
        assert made_on_sites(workers.clouds, connection_id) == expected, at_kill
    finally:
        set_latency(lab, None)
        while len(workers.alive()) < 2:  # the next case starts with two workers again
            workers.add_worker()
        delete_cleanly(cluster.api, workers.clouds, connection_id)
        case.lap("clean", lap)
        case.seconds = time.monotonic() - started
    case.passed = True
