"""X-OpenStack-Request-ID: on every response, on the request's log lines, on its jobs."""

import logging
import re
import time

from fastapi.testclient import TestClient

from georedflow import logs
from georedflow.states import JOB_FINISHED
from georedflow.wiring import Application
from tests.unit.api.test_reads import application, client  # noqa: F401 (fixtures)

FORM = re.compile(r"^req-[0-9a-f-]{36}$")
GIVEN = "req-6a3f1f0e-8f5b-4f1e-9c3e-2b7d9a1c0e55"


def test_every_response_carries_a_request_id(client: TestClient) -> None:  # noqa: F811
    first, second = client.get("/v1/connections/conn-1"), client.get("/nowhere")

    assert FORM.match(first.headers["x-openstack-request-id"])
    assert FORM.match(second.headers["x-openstack-request-id"])  # a 404 too
    assert first.headers["x-openstack-request-id"] != second.headers["x-openstack-request-id"]


def test_the_caller_s_id_is_kept_and_a_malformed_one_replaced(client: TestClient) -> None:  # noqa: F811
    kept = client.get("/v1/jobs/job-1", headers={"X-OpenStack-Request-ID": GIVEN})
    replaced = client.get("/v1/jobs/job-1", headers={"X-OpenStack-Request-ID": "x\\ny"})

    assert kept.headers["x-openstack-request-id"] == GIVEN
    assert FORM.match(replaced.headers["x-openstack-request-id"])


def test_the_request_s_log_lines_and_its_job_name_it(
    client: TestClient,  # noqa: F811
    application: Application,  # noqa: F811
) -> None:
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"[{record.request_id}] {record.getMessage()}")  # type: ignore[attr-defined]

    handler = Keep()
    handler.addFilter(logs.JobContext())
    logging.getLogger("georedflow").addHandler(handler)
    try:
        accepted = client.post(
            "/v1/connections/conn-2/verify", headers={"X-OpenStack-Request-ID": GIVEN}
        )
        job_id = accepted.json()["job"]["id"]
        deadline = time.monotonic() + 30  # the job runs (and fails: no clouds) meanwhile
        while application.jobs.get(job_id).state not in JOB_FINISHED:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        logging.getLogger("georedflow").removeHandler(handler)

    assert accepted.status_code == 202
    assert application.jobs.get(job_id).request_id == GIVEN  # its cloud calls carry it
    of_job = [line for line in lines if job_id in line]
    assert of_job and all(line.startswith(f"[{GIVEN}]") for line in of_job), lines
