"""Several georedflow-worker processes on a real ZooKeeper board and PostgreSQL."""

import collections
import signal
import subprocess
import time
from typing import Any

import httpx
from kazoo.client import KazooClient
from prometheus_client.parser import text_string_to_metric_families

from georedflow.clouds.kinds import KINDS
from georedflow.clouds.openstack import Clouds
from georedflow.clouds.ownership import owned
from tests.conftest import REPO, missing
from tests.integration.cluster import Cluster

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


def test_two_workers_consume_twenty_jobs_exactly_once(cluster: Cluster) -> None:
    cluster.start_worker("worker-a")
    cluster.start_worker("worker-b")

    accepted = [cluster.create("vxlan") for _ in range(20)]
    jobs = [cluster.wait(a["job"]["id"]) for a in accepted]

    assert [j["state"] for j in jobs] == ["SUCCEEDED"] * 20, [j["error"] for j in jobs]
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
    assert claims == 20
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
    for control in lab.values():
        control.set_latency(0)
    job = cluster.wait(job_id)

    assert job["state"] == "SUCCEEDED", job["error"]
    assert job["attempts"] == 2
    survivor = ({"worker-a", "worker-b"} - {victim}).pop()
    assert job["workers"] == [victim, survivor]
    for site, names in names_on_sites(cluster, accepted["connection"]["id"]).items():
        assert max(names.values()) == 1, f"{site}: made twice: {names}"
        assert sum(names.values()) == 9, names


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
    if not (REPO / ".state" / "zookeeper" / "zookeeper.pid").exists():
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
