"""/metrics parses as Prometheus text and moves when a job runs."""

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.harness import Harness


def scrape(georedflow: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = georedflow.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return sum(
        value
        for (sample, sample_labels), value in samples.items()
        if sample == name and labels.items() <= dict(sample_labels).items()
    )


def test_counters_move_when_a_job_runs(georedflow: Harness) -> None:
    before = scrape(georedflow)

    accepted = georedflow.create("vxlan", "east", "west")
    assert georedflow.wait(accepted["job"]["id"])["state"] == "SUCCEEDED"
    after = scrape(georedflow)

    assert total(after, "georedflow_cloud_calls_total", site="east", status="ok") > total(
        before, "georedflow_cloud_calls_total", site="east", status="ok"
    )
    assert total(after, "georedflow_job_seconds_count", kind="create", state="SUCCEEDED") == (
        total(before, "georedflow_job_seconds_count", kind="create", state="SUCCEEDED") + 1
    )
    assert total(after, "georedflow_task_seconds_count", task="CreateNetwork") >= 2
    assert total(after, "georedflow_jobs", kind="create", state="SUCCEEDED") >= 1
    assert total(after, "georedflow_connections", state="ACTIVE", technology="vxlan") == (
        total(before, "georedflow_connections", state="ACTIVE", technology="vxlan") + 1
    )
    assert total(after, "georedflow_worker_claims_total") > total(
        before, "georedflow_worker_claims_total"
    )
    delete = georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}")
    assert georedflow.wait(delete.json()["job"]["id"])["state"] == "SUCCEEDED"
