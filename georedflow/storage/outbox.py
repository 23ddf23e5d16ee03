"""The event outbox: events are rows written in the transaction of the change itself.

A session-level ``before_flush`` hook looks at what is about to be written: a
job reaching SUCCEEDED or FAILED, a connection changing state. The event rows
join that flush, so an event exists exactly when its change was committed,
whichever process made it (API or worker), and no call site has to remember
to publish anything. The dispatcher sends the rows later, in its own thread.

ORM attribute changes only: a bulk ``update()`` statement bypasses flush events,
so state changes must stay ORM updates (they are, in storage/connections.py
and storage/jobs.py).
"""

import logging
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from georedflow.states import ConnectionState, JobState
from georedflow.storage.models import Connection, Event, Job

LOG = logging.getLogger(__name__)

JOB_SUCCEEDED = "job.succeeded"
JOB_FAILED = "job.failed"
STATE_CHANGED = "connection.state_changed"
DEGRADED = "connection.degraded"
FENCED = "connection.fenced"
EVENT_TYPES = (JOB_SUCCEEDED, JOB_FAILED, STATE_CHANGED, DEGRADED, FENCED)

_JOB_EVENTS: dict[str, str] = {JobState.SUCCEEDED: JOB_SUCCEEDED, JobState.FAILED: JOB_FAILED}


def install(sessions: sessionmaker[Session]) -> None:
    """Record events on every flush of sessions made by ``sessions``; call it once per factory.

    No ``event.contains`` guard: SQLAlchemy keys its listeners by ``id()``, so a new
    factory at the address of a collected one would look installed and record nothing.
    """
    event.listen(sessions, "before_flush", _record_events)


def _state_change(item: Any) -> tuple[str | None, str] | None:
    """(old, new) when the object's ``state`` attribute is about to change."""
    history = inspect(item).attrs.state.history
    if not history.added:
        return None
    old = history.deleted[0] if history.deleted else None
    new = history.added[0]
    return None if old == new else (old, new)


def job_events(job: Job, old: str | None, new: str) -> list[Event]:
    if new not in _JOB_EVENTS or old == new:
        return []
    payload = {
        "job": {
            "id": job.id,
            "kind": job.kind,
            "state": new,
            "connection_id": job.connection_id,
            "site_id": job.site_id,
            "error": job.error,
        }
    }
    return [_event(_JOB_EVENTS[new], job.connection_id, job.project_id, payload)]


def _summary(connection: Connection, state: str) -> dict[str, Any]:
    return {
        "id": connection.id,
        "name": connection.name,
        "state": state,
        "primary": connection.primary_role,
        "epoch": connection.epoch,
    }


def connection_events(connection: Connection, old: str | None, new: str) -> list[Event]:
    summary = _summary(connection, new)
    changed = {"connection": summary, "old_state": old, "new_state": new}
    events = [_event(STATE_CHANGED, connection.id, connection.project_id, changed)]
    if new == ConnectionState.DEGRADED:
        degraded = {"connection": summary, "findings": list(connection.findings or [])}
        events.append(_event(DEGRADED, connection.id, connection.project_id, degraded))
    return events


def fenced_event(connection: Connection, presented: int) -> Event:
    """A heartbeat came with an epoch older than the connection's: its sender was superseded."""
    payload = {
        "connection": _summary(connection, connection.state),
        "presented_epoch": presented,
    }
    return _event(FENCED, connection.id, connection.project_id, payload)


def _event(type_: str, connection_id: str | None, project_id: str | None, payload: Any) -> Event:
    return Event(type=type_, connection_id=connection_id, project_id=project_id, payload=payload)


def _record_events(session: Session, _flush_context: Any, _instances: Any) -> None:
    events: list[Event] = []
    # A job is born QUEUED and a connection's first state is not a change: only
    # objects already in the database (dirty) can produce an event.
    for item in list(session.dirty):
        try:
            if isinstance(item, Job) and (change := _state_change(item)):
                events.extend(job_events(item, *change))
            elif isinstance(item, Connection) and (change := _state_change(item)):
                events.extend(connection_events(item, *change))
        except Exception:
            # Never fail the change (a flow's progress) because of its notification.
            LOG.exception("could not record the event of a change to %r", item)
    session.add_all(events)
