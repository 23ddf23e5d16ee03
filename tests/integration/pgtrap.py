"""Catching a process at a point of its job: a fast watch of its task rows, and a row lock
in PostgreSQL that holds it in the middle of its transaction."""

import time
from typing import Any

from sqlalchemy import Connection, create_engine, text

TASK_ROW = "SELECT state, worker FROM job_tasks WHERE job_id = :job AND name = :task"


class TransactionTrap:
    """A transaction of the test's own that holds one job task row, and an observer."""

    def __init__(self, database_url: str) -> None:
        self._engine = create_engine(database_url)
        self._holder: Connection = self._engine.connect()
        self._observer = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._holding = None

    def _ask(self, sql: str, **params: Any) -> Any:
        return self._observer.execute(text(sql), params).first()

    def wait_for_task_state(self, job_id: str, task: str, state: str, timeout: float = 60) -> str:
        """As soon as the task's row shows ``state`` (read every 2 ms): the worker it names."""
        deadline = time.monotonic() + timeout
        while (row := self._ask(TASK_ROW, job=job_id, task=task)) is None or row[0] != state:
            assert time.monotonic() < deadline, f"{task} of job {job_id} was never {state}"
            time.sleep(0.002)
        return str(row[1])

    def task_state(self, job_id: str, task: str) -> str | None:
        row = self._ask(TASK_ROW, job=job_id, task=task)
        return None if row is None else str(row[0])

    def hold_task_row(self, job_id: str, task: str, timeout: float = 60) -> None:
        """Lock the task's row (once the runner has planned it) before the task starts."""
        deadline = time.monotonic() + timeout
        while self._ask(TASK_ROW, job=job_id, task=task) is None:
            assert time.monotonic() < deadline, f"{task} of job {job_id} was never planned"
            time.sleep(0.05)
        self._holding = self._holder.begin()
        state = self._holder.execute(
            text(f"{TASK_ROW} FOR UPDATE"), {"job": job_id, "task": task}
        ).scalar()
        assert state == "PENDING", f"too late: {task} is already {state}"

    def wait_for_blocked_backend(self, timeout: float = 60) -> int:
        """The backend that waits on the held row (the runner recording the task)."""
        me = self._holder.execute(text("SELECT pg_backend_pid()")).scalar()
        deadline = time.monotonic() + timeout
        blocked = "SELECT pid FROM pg_stat_activity WHERE :me = ANY(pg_blocking_pids(pid))"
        while (row := self._ask(blocked, me=me)) is None:
            assert time.monotonic() < deadline, "nothing waited on the held row"
            time.sleep(0.005)
        return int(row[0])

    def release(self) -> None:
        assert self._holding is not None
        self._holding.commit()

    def state_of(self, pid: int) -> str | None:
        """The backend's pg_stat_activity state; None once it has ended."""
        row = self._ask("SELECT state FROM pg_stat_activity WHERE pid = :pid", pid=pid)
        return None if row is None else str(row[0])

    def wait_for_state(self, pid: int, state: str, timeout: float = 10) -> str | None:
        deadline = time.monotonic() + timeout
        while (now := self.state_of(pid)) != state and time.monotonic() < deadline:
            time.sleep(0.01)
        return now

    def locks_job_row(self, pid: int) -> bool:
        """Whether the backend holds a row lock on the jobs table (SELECT ... FOR UPDATE)."""
        found = self._ask(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = :pid AND c.relname = 'jobs' AND l.mode = 'RowShareLock'",
            pid=pid,
        )
        return found is not None

    def close(self) -> None:
        self._holder.close()
        self._observer.close()
        self._engine.dispose()
