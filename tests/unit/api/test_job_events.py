"""The job event stream over real HTTP (uvicorn), fed only by database writes.

No runner is started: the test writes the job's rows itself, as a worker in
another process would, and the stream must follow them.
"""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import routing

from georedflow.api.app import create_app
from georedflow.storage import migrate
from georedflow.storage.jobs import JobRepository
from georedflow.wiring import Application, Settings, build
from tests.conftest import free_port
from tests.sse import check_task_order, parse


@pytest.fixture
def served(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, Application]]:
    migrate.upgrade(sqlite_url)
    application = build(
        Settings(database_url=sqlite_url, secret_key_file=str(tmp_path / "secret.key"))
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(application, resume_jobs=False), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}", application
    server.should_exit = True
    thread.join(timeout=10)
    application.close()


def test_the_stream_follows_rows_written_elsewhere_and_pings_while_idle(
    served: tuple[str, Application], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, application = served
    jobs: JobRepository = application.jobs
    job = jobs.create("probe")
    jobs.plan_tasks(job.id, [("ProbeSite", "east")])
    monkeypatch.setattr(routing, "_PING_INTERVAL", 0.3)  # FastAPI's idle keep-alive
    pinged = 0
    events = []

    with httpx.stream("GET", f"{url}/v1/jobs/{job.id}/events", timeout=60) as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        for line in lines:
            if line.startswith(":"):
                pinged += 1
                if pinged == 1:  # idle so far; now the "worker" runs the job
                    jobs.start_attempt(job.id, "elsewhere", logbook_id=job.id)
                    jobs.task_changed(job.id, "ProbeSite", "RUNNING", datetime.now(UTC))
                    jobs.task_changed(job.id, "ProbeSite", "SUCCESS", datetime.now(UTC))
                    jobs.finish(job.id, "SUCCEEDED")
                    break
        events = list(parse(lines))

    assert pinged == 1
    assert check_task_order(events) == {"ProbeSite": ["RUNNING", "SUCCESS"]}
    assert events[-1] == ("end", {"state": "SUCCEEDED", "progress": 1.0, "error": None})
    task = next(data for kind, data in events if kind == "task")
    assert task["site"] == "east"
