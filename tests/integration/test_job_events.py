"""GET /v1/jobs/{id}/events and /graph, over real HTTP from a georedflow-api process."""

from typing import Any

import httpx

from tests.integration.cluster import Cluster
from tests.integration.harness import SITES, ApiProcess
from tests.sse import check_task_order, parse


def stream(api: ApiProcess, job_id: str) -> list[tuple[str, Any]]:
    """Every event until the server closes the stream."""
    with httpx.stream("GET", f"{api.url}/v1/jobs/{job_id}/events", timeout=120) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        return list(parse(response.iter_lines()))


def create(api: ApiProcess, technology: str, mode: str = "warm") -> dict[str, Any]:
    for site in SITES[:2]:
        assert httpx.post(f"{api.url}/v1/sites", json=site, timeout=30).status_code == 201
    response = httpx.post(
        f"{api.url}/v1/connections",
        json={
            "name": f"watched-{technology}",
            "mode": mode,
            "technology": technology,
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
        timeout=30,
    )
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    return accepted


def test_a_running_job_streams_its_tasks_in_order_until_it_ends(api: ApiProcess) -> None:
    accepted = create(api, "ipsec")
    job_id = accepted["job"]["id"]

    live = stream(api, job_id)  # opened at once: the job is queued or running

    job = api.get(f"/v1/jobs/{job_id}")
    assert job["state"] == "SUCCEEDED", job["error"]
    states = check_task_order(live)
    assert set(states) == {t["name"] for t in job["tasks"]}
    assert all(s[-1] == "SUCCESS" for s in states.values()), states
    assert live[-1][1] == {"state": "SUCCEEDED", "progress": 1.0, "error": None}
    assert [data["progress"] for kind, data in live if kind == "progress"][-1] == 1.0

    # Watching the ended job: its history, then the end, at once.
    replay = stream(api, job_id)
    assert check_task_order(replay) == {name: ["RUNNING", "SUCCESS"] for name in states}
    assert replay[-1] == live[-1]

    deleting = httpx.delete(f"{api.url}/v1/connections/{accepted['connection']['id']}")
    assert deleting.status_code == 202
    assert check_task_order(stream(api, deleting.json()["job"]["id"]))


def test_the_graph_has_every_task_and_the_flow_s_order(api: ApiProcess) -> None:
    accepted = create(api, "vlan")
    stream(api, accepted["job"]["id"])

    graph = api.get(f"/v1/jobs/{accepted['job']['id']}/graph")

    job = api.get(f"/v1/jobs/{accepted['job']['id']}")
    assert graph["kind"] == "create" and graph["state"] == "SUCCEEDED"
    assert sorted(n["task"] for n in graph["nodes"]) == sorted(t["name"] for t in job["tasks"])
    assert {n["state"] for n in graph["nodes"]} == {"SUCCESS"}
    assert {"from": "CreateNetwork-local", "to": "CreateSubnet-local"} in graph["edges"]
    names = {n["task"] for n in graph["nodes"]}
    assert all(e["from"] in names and e["to"] in names for e in graph["edges"])
    assert {n["site"] for n in graph["nodes"] if n["task"].endswith("-remote")} == {"west"}

    # A delete job outlives its connection; its graph still has its edges.
    deleting = httpx.delete(f"{api.url}/v1/connections/{accepted['connection']['id']}")
    deleted = deleting.json()["job"]["id"]
    assert stream(api, deleted)[-1][1]["state"] == "SUCCEEDED"
    assert api.get(f"/v1/connections/{accepted['connection']['id']}")["status"] == 404
    gone = api.get(f"/v1/jobs/{deleted}/graph")
    assert gone["kind"] == "delete" and gone["edges"]


def test_the_graph_is_of_the_flow_the_job_ran(api: ApiProcess) -> None:
    # A cold standby's create only reserves: its flow is not the warm create's.
    cold = create(api, "vxlan", mode="cold")
    stream(api, cold["job"]["id"])

    graph = api.get(f"/v1/jobs/{cold['job']['id']}/graph")

    job = api.get(f"/v1/jobs/{cold['job']['id']}")
    assert job["state"] == "SUCCEEDED", job["error"]
    assert sorted(n["task"] for n in graph["nodes"]) == sorted(t["name"] for t in job["tasks"])
    assert not any(n["task"].startswith("CreateNetwork") for n in graph["nodes"])


def test_an_unknown_job_is_404_before_any_stream(api: ApiProcess) -> None:
    for path in ("events", "graph"):
        response = httpx.get(f"{api.url}/v1/jobs/no-such-job/{path}", timeout=10)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_the_openapi_document_describes_the_stream(api: ApiProcess) -> None:
    document = api.get("/openapi.json")

    events = document["paths"]["/v1/jobs/{job_id}/events"]["get"]
    assert "text/event-stream" in events["responses"]["200"]["content"]
    assert "404" in events["responses"]
    assert "/v1/jobs/{job_id}/graph" in document["paths"]
    assert not any(path.startswith("/ui") for path in document["paths"])


def test_a_job_run_by_a_worker_process_is_watched_through_the_api(cluster: Cluster) -> None:
    cluster.start_worker("worker-a")
    accepted = cluster.create("vxlan")
    assert cluster.api is not None

    events = stream(cluster.api, accepted["job"]["id"])

    job = cluster.job(accepted["job"]["id"])
    assert job["workers"] == ["worker-a"]  # not the API process that streamed it
    states = check_task_order(events)
    assert set(states) == {t["name"] for t in job["tasks"]}
    assert events[-1][1]["state"] == "SUCCEEDED"
    cluster.check_workers()
