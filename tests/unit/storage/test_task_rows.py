"""A job's task rows are corrected from the logbook when an attempt starts and ends."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from georedflow.storage import db, migrate
from georedflow.storage.jobs import JobRepository

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def jobs(sqlite_url: str) -> JobRepository:
    migrate.upgrade(sqlite_url)
    sessions: sessionmaker[Session] = db.make_session_factory(db.make_engine(sqlite_url))
    return JobRepository(sessions)


def rows(jobs: JobRepository, job_id: str) -> dict[str, tuple[str, str | None]]:
    return {t.name: (t.state, t.worker) for t in jobs.get(job_id).tasks}


def killed_mid_flow(jobs: JobRepository) -> str:
    """Rows as a worker killed mid-flow leaves them: ``b`` finished in the logbook only."""
    job_id = jobs.create("create").id
    jobs.plan_tasks(job_id, [("a", None), ("b", None), ("c", None), ("d", None)])
    jobs.start_attempt(job_id, "dead", logbook_id=job_id)
    for name in ("a", "b", "c"):
        jobs.task_changed(job_id, name, "RUNNING", T0, worker="dead")
    jobs.task_changed(job_id, "a", "SUCCESS", T0 + timedelta(seconds=1), worker="dead")
    return job_id


def test_a_task_that_ended_in_the_logbook_ends_in_its_row_under_who_ran_it(
    jobs: JobRepository,
) -> None:
    job_id = killed_mid_flow(jobs)
    at = T0 + timedelta(seconds=5)

    corrected = jobs.reconcile_tasks(
        job_id, {"a": "SUCCESS", "b": "SUCCESS", "c": "RUNNING"}, "survivor", at
    )

    assert corrected == ["b", "c"]
    assert rows(jobs, job_id) == {
        "a": ("SUCCESS", "dead"),
        "b": ("SUCCESS", "dead"),  # the dead worker saved its outcome, then died
        "c": ("RUNNING", "survivor"),  # resumed now, without a new RUNNING notification
        "d": ("PENDING", None),
    }
    tasks = {t.name: t for t in jobs.get(job_id).tasks}
    assert tasks["b"].finished_at == at  # when it was learnt: the logbook keeps no times
    assert tasks["c"].started_at is not None and tasks["c"].finished_at is None
    assert jobs.get(job_id).progress == 0.5


def test_rows_that_already_tell_the_truth_are_left_alone(jobs: JobRepository) -> None:
    job_id = killed_mid_flow(jobs)
    before = [
        (t.name, t.state, t.worker, t.started_at, t.finished_at) for t in jobs.get(job_id).tasks
    ]

    assert jobs.reconcile_tasks(job_id, {"a": "SUCCESS", "c": "RUNNING"}, "dead", T0) == []

    after = [
        (t.name, t.state, t.worker, t.started_at, t.finished_at) for t in jobs.get(job_id).tasks
    ]
    assert after == before


def test_a_reverted_task_and_unknown_names_are_handled(jobs: JobRepository) -> None:
    job_id = killed_mid_flow(jobs)

    corrected = jobs.reconcile_tasks(
        job_id, {"a": "REVERTED", "b": "REVERTING", "gone": "SUCCESS"}, "survivor", T0
    )

    assert corrected == ["a", "b"]
    assert rows(jobs, job_id)["a"] == ("REVERTED", "dead")
    assert rows(jobs, job_id)["b"] == ("REVERTING", "survivor")


def test_each_transition_is_one_write_and_progress_moves_with_success_and_revert(
    jobs: JobRepository,
) -> None:
    from sqlalchemy import event

    job_id = jobs.create("create").id
    jobs.plan_tasks(job_id, [("a", "east"), ("b", None)])
    engine = jobs._sessions.kw["bind"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0]))

    jobs.task_changed(job_id, "a", "RUNNING", T0, worker="w1")
    assert statements == ["UPDATE"]
    jobs.task_changed(job_id, "a", "SUCCESS", T0 + timedelta(seconds=1), worker="w1")
    assert jobs.get(job_id).progress == 0.5
    jobs.task_changed(job_id, "unplanned", "RUNNING", T0, worker="w1")  # a row of its own
    jobs.task_changed(job_id, "a", "REVERTING", T0 + timedelta(seconds=2), error="boom")

    job = jobs.get(job_id)
    tasks = {t.name: t for t in job.tasks}
    assert job.progress == 0.0
    assert (tasks["a"].state, tasks["a"].worker, tasks["a"].error) == ("REVERTING", "w1", "boom")
    assert tasks["a"].site == "east" and tasks["a"].finished_at is not None
    assert tasks["unplanned"].state == "RUNNING" and tasks["unplanned"].started_at is not None
    jobs.task_changed(job_id, "a", "RUNNING", T0 + timedelta(seconds=3))
    again = {t.name: t for t in jobs.get(job_id).tasks}["a"]
    assert (again.worker, again.error, again.finished_at) == ("w1", None, None)
