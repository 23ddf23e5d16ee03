"""A job's history as events, rebuilt from successive reads of its rows.

Jobs may run in another process, so a watcher cannot listen to the engine: it
reads the job and its task rows again and again and reports what changed. A task
row keeps only its latest state and its timestamps, so a task that started and
finished between two reads is reported as RUNNING (at ``started_at``) and then
SUCCESS (at ``finished_at``): the row proves both.

Rows are written by concurrent threads whose commits can land in a different
order than their timestamps; each event is therefore held back for one read, and
released together with any later-seen event that happened before it.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from georedflow.states import JOB_FINISHED, TaskState
from georedflow.storage.models import Job, JobTask

_ENDED = ("SUCCESS", "FAILURE", "REVERTED", "REVERT_FAILURE")
_UNDOING = ("REVERTING", "REVERTED", "REVERT_FAILURE")
_FAILED = ("FAILURE", *_UNDOING)  # reported already: its failure, or its undoing after it


@dataclass(frozen=True)
class Event:
    kind: str  # task, progress, job, end
    data: dict[str, Any]
    at: datetime | None = None  # when it happened, for ordering; None: not a task event


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _task_event(row: JobTask, state: str, at: datetime | None) -> Event:
    return Event(
        "task",
        {
            "task": row.name,
            "site": row.site,
            "state": state,
            "started_at": _iso(row.started_at),
            "finished_at": _iso(row.finished_at if state != TaskState.RUNNING else None),
            "at": _iso(at),
            "error": row.error if state != TaskState.RUNNING else None,
        },
        at,
    )


def _order(event: Event) -> datetime:
    assert event.at is not None
    return event.at


@dataclass
class JobWatch:
    """Feed it each read of the job; it answers the events to send, in order."""

    _runs: dict[str, datetime | None] = field(default_factory=dict)  # task → reported start
    _states: dict[str, str] = field(default_factory=dict)  # task → reported state
    _held: list[Event] = field(default_factory=list)
    _job: tuple[str, int] | None = None
    _progress: float | None = None
    ended: bool = False

    def _task_changes(self, row: JobTask) -> list[Event]:
        if row.state == TaskState.PENDING:
            return []
        events = []
        rerun = row.started_at is not None and self._runs.get(row.name) != row.started_at
        if rerun:
            # A (new) run began: report it even if the row has already moved past RUNNING.
            events.append(_task_event(row, TaskState.RUNNING, row.started_at))
            self._runs[row.name] = row.started_at
            self._states[row.name] = TaskState.RUNNING
        failed_unseen = (
            row.state in _UNDOING and row.error and self._states.get(row.name) not in _FAILED
        )
        if failed_unseen:
            # It failed, then was reverted between two reads: the row keeps only its latest
            # state, but the error it keeps says that it failed, which comes first.
            events.append(_task_event(row, "FAILURE", row.finished_at or row.started_at))
            self._states[row.name] = "FAILURE"
        if self._states.get(row.name) != row.state:
            at = row.finished_at if row.state in _ENDED else row.started_at
            if row.state == "REVERTING":
                # No column records when reverting began; it was after the task's last step.
                at = row.finished_at or row.started_at
            events.append(_task_event(row, row.state, at))
            self._states[row.name] = row.state
        return [e for e in events if e.at is not None]

    def _release(self, fresh: list[Event], final: bool) -> list[Event]:
        pool = sorted([*self._held, *fresh], key=_order)
        if final:
            self._held = []
            return pool
        if not self._held:
            self._held = pool
            return []
        cutoff = max(_order(e) for e in self._held)
        self._held = [e for e in pool if _order(e) > cutoff]
        return [e for e in pool if _order(e) <= cutoff]

    def read(self, job: Job) -> list[Event]:
        """The events since the previous read; the last one is ``end`` once the job ended."""
        final = job.state in JOB_FINISHED
        fresh = [event for row in job.tasks for event in self._task_changes(row)]
        events = self._release(fresh, final)
        if (job.state, job.attempts) != self._job and not final:
            self._job = (job.state, job.attempts)
            events.append(Event("job", {"state": job.state, "attempts": job.attempts}))
        if job.progress != self._progress:
            self._progress = job.progress
            events.append(Event("progress", {"progress": job.progress}))
        if final:
            self.ended = True
            events.append(
                Event("end", {"state": job.state, "progress": job.progress, "error": job.error})
            )
        return events
