"""The delivery queue: events fanned out to subscriptions, claimed and sent, retried.

Several processes (the API and every worker) run a dispatcher on the same
database. Two conditional UPDATEs keep them from stepping on each other: one
marks an event fanned out (only the process whose UPDATE changed the row
creates its deliveries), one claims a due delivery for a lease (only the
process whose UPDATE changed the row sends it). A sender that dies mid-send
leaves its lease to expire; the delivery is then sent again (at least once).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from georedflow.storage import db
from georedflow.storage.filters import matches
from georedflow.storage.models import Delivery, Event, Subscription

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery: what to send where, and how many attempts it has had."""

    delivery_id: int
    attempts: int  # this one included
    callback_uri: str
    secret: str | None  # ciphertext
    event_id: str
    event_type: str
    document: dict[str, Any]


class DeliveryQueue:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def fan_out(self, limit: int = 100) -> int:
        """Deliveries for new events, one per matching subscription; how many were made."""
        made = 0
        with self._sessions() as session:
            fresh = list(
                session.scalars(
                    select(Event.id)
                    .where(Event.fanned_out.is_(False))
                    .order_by(Event.created_at)
                    .limit(limit)
                )
            )
        for event_id in fresh:
            with self._sessions.begin() as session:
                taken = session.execute(
                    update(Event)
                    .where(Event.id == event_id, Event.fanned_out.is_(False))
                    .values(fanned_out=True)
                )
                if not db.changed_one(taken):
                    continue  # another dispatcher has it
                event = session.get(Event, event_id)
                assert event is not None
                same_project = (
                    Subscription.project_id.is_(None)
                    if event.project_id is None
                    else Subscription.project_id == event.project_id
                )
                for subscription in session.scalars(select(Subscription).where(same_project)):
                    if matches(subscription.filter, event.type, event.connection_id):
                        session.add(Delivery(event_id=event.id, subscription_id=subscription.id))
                        made += 1
        return made

    def due(self, now: datetime, limit: int = 100) -> list[int]:
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(Delivery.id)
                    .where(
                        Delivery.state == PENDING,
                        Delivery.next_attempt_at <= now,
                        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
                    )
                    .order_by(Delivery.next_attempt_at, Delivery.id)
                    .limit(limit)
                )
            )

    def claim(self, delivery_id: int, now: datetime, lease: float) -> Outgoing | None:
        """Take the delivery for ``lease`` seconds; None when it is not ours to send."""
        with self._sessions.begin() as session:
            taken = session.execute(
                update(Delivery)
                .where(
                    Delivery.id == delivery_id,
                    Delivery.state == PENDING,
                    Delivery.next_attempt_at <= now,
                    or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
                )
                .values(
                    claimed_until=now + timedelta(seconds=lease), attempts=Delivery.attempts + 1
                )
                .execution_options(synchronize_session=False)
            )
            if not db.changed_one(taken):
                return None
            row = session.execute(
                select(Delivery.attempts, Subscription, Event)
                .join(Subscription, Delivery.subscription_id == Subscription.id)
                .join(Event, Delivery.event_id == Event.id)
                .where(Delivery.id == delivery_id)
            ).one()
            attempts, subscription, event = row
            return Outgoing(
                delivery_id=delivery_id,
                attempts=attempts,
                callback_uri=subscription.callback_uri,
                secret=subscription.secret,
                event_id=event.id,
                event_type=event.type,
                document={
                    "id": event.id,
                    "type": event.type,
                    "created_at": event.created_at.isoformat(),
                    "connection_id": event.connection_id,
                    "data": event.payload,
                },
            )

    def _settle(self, delivery_id: int, **values: Any) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.state == PENDING)
                .values(claimed_until=None, **values)
                .execution_options(synchronize_session=False)
            )

    def delivered(self, delivery_id: int, now: datetime) -> None:
        self._settle(delivery_id, state=DELIVERED, delivered_at=now, last_error=None)

    def retry_at(self, delivery_id: int, when: datetime, error: str) -> None:
        self._settle(delivery_id, next_attempt_at=when, last_error=error)

    def give_up(self, delivery_id: int, error: str) -> None:
        self._settle(delivery_id, state=FAILED, last_error=error)

    def prune(self, before: datetime) -> int:
        """Forget events older than ``before`` that have nothing left to send; how many."""
        unsent = select(Delivery.event_id).where(Delivery.state == PENDING)
        with self._sessions.begin() as session:
            pruned = session.execute(
                delete(Event)
                .where(
                    Event.created_at < before,
                    Event.fanned_out.is_(True),
                    Event.id.not_in(unsent),
                )
                .execution_options(synchronize_session=False)
            )
            assert isinstance(pruned, CursorResult)
            return pruned.rowcount  # their deliveries go with them (ON DELETE CASCADE)

    def states(self, event_id: str) -> dict[str, tuple[str, int, str | None]]:
        """subscription id → (state, attempts, last error) of an event's deliveries."""
        with self._sessions() as session:
            rows = session.execute(
                select(
                    Delivery.subscription_id, Delivery.state, Delivery.attempts, Delivery.last_error
                ).where(Delivery.event_id == event_id)
            )
            return {sub: (state, attempts, error) for sub, state, attempts, error in rows}
