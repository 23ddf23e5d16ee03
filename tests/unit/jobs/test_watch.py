from datetime import UTC, datetime, timedelta
from typing import Any

from georedflow.jobs.watch import Event, JobWatch
from georedflow.storage.models import Job, JobTask

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def task(name: str, state: str, started: float | None = None, finished: float | None = None,
         **extra: Any) -> JobTask:  # fmt: skip
    return JobTask(
        name=name,
        site="east",
        state=state,
        started_at=at(started) if started is not None else None,
        finished_at=at(finished) if finished is not None else None,
        **extra,
    )


def job(state: str, *tasks: JobTask, progress: float = 0.0, **extra: Any) -> Job:
    return Job(
        id="j", kind="create", state=state, progress=progress, attempts=1, tasks=list(tasks),
        **extra,
    )  # fmt: skip


def steps(events: list[Event]) -> list[tuple[str, str]]:
    return [(e.data["task"], e.data["state"]) for e in events if e.kind == "task"]


def test_a_task_seen_only_finished_is_reported_running_then_finished() -> None:
    watch = JobWatch()

    events = watch.read(job("SUCCEEDED", task("a", "SUCCESS", 1, 2), progress=1.0))

    assert steps(events) == [("a", "RUNNING"), ("a", "SUCCESS")]
    running, success = events[0], events[1]
    assert running.data["at"] == at(1).isoformat()
    assert running.data["finished_at"] is None
    assert success.data["at"] == at(2).isoformat()
    assert [e.kind for e in events[2:]] == ["progress", "end"]
    assert events[-1].data == {"state": "SUCCEEDED", "progress": 1.0, "error": None}
    assert watch.ended


def test_only_changes_are_reported() -> None:
    watch = JobWatch()
    running = job("RUNNING", task("a", "RUNNING", 1), task("b", "PENDING"))

    first = watch.read(running) + watch.read(running)
    again = watch.read(running)

    assert steps(first) == [("a", "RUNNING")]
    assert [e.kind for e in first] == ["job", "progress", "task"]
    assert again == []
    assert not watch.ended


def test_an_event_committed_late_is_still_sent_in_time_order() -> None:
    watch = JobWatch()
    sent: list[Event] = []

    # b's row was committed before a's, although a finished first.
    sent += watch.read(job("RUNNING", task("a", "RUNNING", 1), task("b", "SUCCESS", 2, 5)))
    sent += watch.read(job("RUNNING", task("a", "SUCCESS", 1, 4), task("b", "SUCCESS", 2, 5)))
    sent += watch.read(
        job("SUCCEEDED", task("a", "SUCCESS", 1, 4), task("b", "SUCCESS", 2, 5), progress=1.0)
    )

    assert steps(sent) == [("a", "RUNNING"), ("b", "RUNNING"), ("a", "SUCCESS"), ("b", "SUCCESS")]
    times = [e.at for e in sent if e.kind == "task"]
    assert times == sorted(times)
    assert sent[-1].kind == "end"


def test_a_resumed_task_runs_again() -> None:
    watch = JobWatch()

    events = watch.read(job("RUNNING", task("a", "RUNNING", 1)))
    events += watch.read(job("SUCCEEDED", task("a", "SUCCESS", 7, 8)))

    assert steps(events) == [("a", "RUNNING"), ("a", "RUNNING"), ("a", "SUCCESS")]
    runs = [e.data["started_at"] for e in events if e.kind == "task"]
    assert runs == [at(1).isoformat(), at(7).isoformat(), at(7).isoformat()]


def test_a_failed_job_reports_the_failure_the_revert_and_the_error() -> None:
    watch = JobWatch()
    error = {"message": "boom", "task": "b", "rolled_back": True}

    events = watch.read(
        job(
            "FAILED",
            task("a", "REVERTED", 1, 6),
            task("b", "REVERTED", 2, 5, error="boom"),
            error=error,
        )
    )

    assert steps(events) == [
        ("a", "RUNNING"),
        ("b", "RUNNING"),
        ("b", "FAILURE"),  # seen only reverted: its error says it failed first
        ("b", "REVERTED"),
        ("a", "REVERTED"),  # it had succeeded: no failure of its own
    ]
    assert events[2].data["error"] == "boom"
    assert events[-1].kind == "end" and events[-1].data["error"] == error


def test_a_failure_seen_as_it_happened_is_reported_once() -> None:
    watch = JobWatch()

    sent = watch.read(job("RUNNING", task("b", "FAILURE", 2, 3, error="boom")))
    sent += watch.read(job("RUNNING", task("b", "REVERTING", 2, 3, error="boom")))
    sent += watch.read(job("FAILED", task("b", "REVERTED", 2, 4, error="boom")))

    assert steps(sent) == [
        ("b", "RUNNING"),
        ("b", "FAILURE"),
        ("b", "REVERTING"),
        ("b", "REVERTED"),
    ]
