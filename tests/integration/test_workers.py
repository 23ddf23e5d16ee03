"""Several georedflow-worker processes on a real ZooKeeper board and PostgreSQL."""

import collections
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from kazoo.client import KazooClient
from prometheus_client.parser import text_string_to_metric_families

from georedflow.clouds.kinds import KINDS
from georedflow.clouds.openstack import Clouds
from georedflow.clouds.ownership import owned
from tests.conftest import REPO, missing
from tests.integration.cluster import Cluster
from tests.integration.pgtrap import TransactionTrap

LAB = {"east": ("lab-east", "RegionOne"), "west": ("lab-west", "RegionTwo")}


def board_jobs(cluster: Cluster) -> list[str]:
    client = KazooClient(hosts=cluster.zk_hosts)
    client.start(timeout=10)
    try:
        return [c for c in client.get_children(cluster.zk_path) if c.startswith("job")]
    finally:
        client.stop()
        client.close()


def names_on_sites(cluster: Cluster, connection_id: str) -> dict[str, collections.Counter[str]]:
    clouds = Clouds(cluster.clouds)
    return {
        site: collections.Counter(
            r["name"]
            for kind in KINDS
            for r in owned(clouds.driver(site, *LAB[site]), kind, connection_id)
        )
        for site in LAB
    }


def slow_ipsec_on_two_workers(cluster: Cluster, lab: dict[str, Any], latency_ms: int) -> Any:
    """An ipsec create on workers a and b, slowed so a test can act mid-flow."""
    for control in lab.values():
        control.set_latency(latency_ms)
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    return cluster.create("ipsec")


def test_two_workers_consume_a_dozen_jobs_exactly_once(cluster: Cluster) -> None:
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")

    accepted = [cluster.create("vxlan") for _ in range(12)]
    jobs = [cluster.wait(a["job"]["id"]) for a in accepted]

    assert [j["state"] for j in jobs] == ["SUCCEEDED"] * 12, [j["error"] for j in jobs]
    assert all(j["attempts"] == 1 and len(j["workers"]) == 1 for j in jobs)
    ran = collections.Counter(j["workers"][0] for j in jobs)
    assert set(ran) == {"worker-a", "worker-b"}, ran
    assert board_jobs(cluster) == []  # every job consumed
    claims = 0.0
    for port in cluster.metrics_ports.values():
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        claims += next(
            s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == "georedflow_worker_claims_total"
        )
    assert claims == 12
    for a in accepted:
        names = names_on_sites(cluster, a["connection"]["id"])
        assert all(sum(n.values()) == 2 and max(n.values()) == 1 for n in names.values()), names


def test_a_killed_worker_is_taken_over_without_duplicates(
    cluster: Cluster, lab: dict[str, Any]
) -> None:
    accepted = slow_ipsec_on_two_workers(cluster, lab, 150)
    job_id = accepted["job"]["id"]

    running = cluster.wait_for_task(job_id, "CreateRouter-local")
    victim = running["workers"][-1]
    cluster.signal(victim, signal.SIGKILL)
    cluster.workers[victim].wait(timeout=10)
    at_kill = {t["name"]: t["state"] for t in cluster.job(job_id)["tasks"]}  # final for the dead
    for control in lab.values():
        control.set_latency(0)
    job = cluster.wait(job_id)

    assert job["state"] == "SUCCEEDED", job["error"]
    assert job["attempts"] == 2
    survivor = ({"worker-a", "worker-b"} - {victim}).pop()
    assert job["workers"] == [victim, survivor]
    # The rows tell the truth: every task done, each under the worker that finished it.
    assert {t["name"]: t["state"] for t in job["tasks"]} == dict.fromkeys(at_kill, "SUCCESS")
    for row in job["tasks"]:
        finished_by = {
            "SUCCESS": {victim},
            "RUNNING": {victim, survivor},  # ended in the dead one's logbook, or run again
            "PENDING": {survivor},
        }[at_kill[row["name"]]]
        assert row["worker"] in finished_by, (row, at_kill[row["name"]])
    assert any(t["worker"] == survivor for t in job["tasks"])
    for site, names in names_on_sites(cluster, accepted["connection"]["id"]).items():
        assert max(names.values()) == 1, f"{site}: made twice: {names}"
        assert sum(names.values()) == 9, names


SESSION_TIMEOUT = 2.0  # [jobboard] session_timeout of the cluster's processes


def taken_over_and_finished(cluster: Cluster, job_id: str, paused: str, since: float) -> Any:
    """The job once finished, checked to have been taken over by the other worker in time.

    The issue's bound (session timeout + 5 s) is asserted on the takeover: the other
    worker has claimed the job and started its attempt. What the attempt then has to
    do (the rest of an ipsec create) is the lab's time, printed, not bounded here.
    """
    other = ({"worker-a", "worker-b"} - {paused}).pop()
    deadline = since + 60
    while (job := cluster.job(job_id))["workers"][-1] != other:
        assert time.monotonic() < deadline, f"never taken over: {job}"
        time.sleep(0.05)
    took_over = time.monotonic() - since
    job = cluster.wait(job_id)
    finished = time.monotonic() - since
    print(f"paused {paused}: taken over after {took_over:.1f} s, finished after {finished:.1f} s")
    assert job["state"] == "SUCCEEDED", job["error"]
    assert job["workers"][-1] == other, job["workers"]
    assert took_over < SESSION_TIMEOUT + 5, f"taken over {took_over:.1f} s after the pause"
    return job


def resumed_changes_nothing(cluster: Cluster, job: Any, connection_id: str, paused: str) -> None:
    """SIGCONT the paused worker; once it has given the job up, nothing it touched changed."""
    before = cluster.records(job["id"], connection_id)
    cluster.signal(paused, signal.SIGCONT)
    cluster.wait_for_log(paused, f"job {job['id']}: left to its new owner")
    after = cluster.records(job["id"], connection_id)

    for table in before:  # table by table, for a readable failure
        assert after[table] == before[table], table
    assert "fencing this worker off it" in cluster.log(paused)
    for site, names in names_on_sites(cluster, connection_id).items():
        assert max(names.values()) == 1, f"{site}: made twice: {names}"


def test_a_worker_paused_as_a_task_starts_writes_nothing_when_it_resumes(
    cluster: Cluster, lab: dict[str, Any]
) -> None:
    # PlanConnection stores the plan and a new pre-shared key: the writes a resumed
    # worker used to make over its successor's.
    accepted = slow_ipsec_on_two_workers(cluster, lab, 300)
    job_id, connection_id = accepted["job"]["id"], accepted["connection"]["id"]
    watch = TransactionTrap(cluster.database)
    try:
        # PlanConnection only talks to the database (about 0.1 s): watch its row closely.
        paused = watch.wait_for_task_state(job_id, "PlanConnection", "RUNNING")
        cluster.signal(paused, signal.SIGSTOP)
        since = time.monotonic()
        assert watch.task_state(job_id, "PlanConnection") == "RUNNING", "paused too late"
    finally:
        watch.close()
    for control in lab.values():
        control.set_latency(0)
    job = taken_over_and_finished(cluster, job_id, paused, since)

    plan = next(t for t in job["tasks"] if t["name"] == "PlanConnection")
    assert plan["state"] == "SUCCESS" and plan["worker"] != paused, plan
    resumed_changes_nothing(cluster, job, connection_id, paused)


def test_a_worker_paused_inside_a_transaction_blocks_no_takeover(
    cluster: Cluster, lab: dict[str, Any]
) -> None:
    accepted = slow_ipsec_on_two_workers(cluster, lab, 150)
    job_id, connection_id = accepted["job"]["id"], accepted["connection"]["id"]
    trap = TransactionTrap(cluster.database)
    try:
        # Hold CreateRouter-local's row: the worker's transaction recording it RUNNING
        # locks the job's row (its fence), then waits on ours. Pause the worker there
        # and let its statement through: it stays idle in transaction, holding the job.
        trap.hold_task_row(job_id, "CreateRouter-local")
        backend = trap.wait_for_blocked_backend()
        paused = cluster.job(job_id)["workers"][-1]
        cluster.signal(paused, signal.SIGSTOP)
        since = time.monotonic()
        trap.release()
        assert trap.wait_for_state(backend, "idle in transaction") == "idle in transaction"
        assert trap.locks_job_row(backend)
        for control in lab.values():
            control.set_latency(0)

        job = taken_over_and_finished(cluster, job_id, paused, since)

        assert trap.state_of(backend) is None  # ended: idle_in_transaction_session_timeout
    finally:
        trap.close()
    resumed_changes_nothing(cluster, job, connection_id, paused)


def test_a_paused_worker_is_fenced_off_its_job(cluster: Cluster, lab: dict[str, Any]) -> None:
    accepted = slow_ipsec_on_two_workers(cluster, lab, 200)
    job_id = accepted["job"]["id"]
    running = cluster.wait_for_task(job_id, "CreateNetwork-local")
    paused = running["workers"][-1]
    other = ({"worker-a", "worker-b"} - {paused}).pop()

    cluster.signal(paused, signal.SIGSTOP)
    deadline = time.monotonic() + 30
    while other not in cluster.job(job_id)["workers"]:  # the session expires, other claims
        assert time.monotonic() < deadline, "no other worker took the job over"
        time.sleep(0.1)
    taken_over = time.time()
    cluster.signal(paused, signal.SIGCONT)
    for control in lab.values():
        control.set_latency(0)
    job = cluster.wait(job_id)

    assert job["state"] == "SUCCEEDED", job["error"]
    late = [
        t["name"]
        for t in job["tasks"]
        if t["worker"] == paused
        and t["started_at"]
        and time.mktime(time.strptime(t["started_at"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
        > taken_over + 1
    ]
    assert late == [], f"the paused worker ran {late} after the takeover"
    assert "fencing this worker off it" in cluster.log(paused)
    for site, names in names_on_sites(cluster, accepted["connection"]["id"]).items():
        assert max(names.values()) == 1, f"{site}: made twice: {names}"


def test_sigterm_abandons_the_job_cleanly_for_another_worker(
    cluster: Cluster, lab: dict[str, Any]
) -> None:
    accepted = slow_ipsec_on_two_workers(cluster, lab, 150)
    job_id = accepted["job"]["id"]
    owner = cluster.wait_for_task(job_id, "CreateNetwork-local")["workers"][-1]

    cluster.signal(owner, signal.SIGTERM)
    assert cluster.workers[owner].wait(timeout=60) == 0
    cluster.killed.add(owner)
    for control in lab.values():
        control.set_latency(0)
    job = cluster.wait(job_id)

    assert job["state"] == "SUCCEEDED", job["error"]
    assert job["workers"][0] == owner and len(job["workers"]) == 2
    assert "abandoning" in cluster.log(owner)
    for site, names in names_on_sites(cluster, accepted["connection"]["id"]).items():
        assert max(names.values()) == 1, f"{site}: made twice: {names}"


def restart_zookeeper() -> None:
    script = REPO / "scripts" / "zookeeper.sh"
    state = Path(os.environ.get("GEOREDFLOW_ZK_DIR") or REPO / ".state" / "zookeeper")
    if not (state / "zookeeper.pid").exists():  # where the script keeps it
        missing("a ZooKeeper started by scripts/zookeeper.sh", f"{script} start")
    subprocess.run([str(script), "stop"], check=True, capture_output=True)
    time.sleep(0.5)
    subprocess.run([str(script), "start"], check=True, capture_output=True)


def test_workers_reconnect_after_a_zookeeper_restart(cluster: Cluster, lab: dict[str, Any]) -> None:
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")
    assert cluster.wait(cluster.create("vxlan")["job"]["id"])["state"] == "SUCCEEDED"

    restart_zookeeper()  # while idle
    after_idle = cluster.wait(cluster.create("vxlan")["job"]["id"], timeout=60)

    for control in lab.values():
        control.set_latency(150)
    running = cluster.create("ipsec")
    cluster.wait_for_task(running["job"]["id"], "CreateNetwork-local")
    restart_zookeeper()  # while a job runs
    for control in lab.values():
        control.set_latency(0)
    during_run = cluster.wait(running["job"]["id"])

    assert after_idle["state"] == "SUCCEEDED", after_idle["error"]
    assert during_run["state"] == "SUCCEEDED", during_run["error"]
    for site, names in names_on_sites(cluster, running["connection"]["id"]).items():
        assert max(names.values()) == 1, f"{site}: made twice: {names}"
