"""Subscriptions: who wants which events, and where to POST them."""

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.exceptions import NotFound
from georedflow.storage.models import Subscription
from georedflow.storage.pagination import CREATED, Order, after_marker


class Encrypter(Protocol):
    def encrypt(self, plaintext: str) -> str: ...


class SubscriptionRepository:
    """Stores subscriptions with their secret encrypted; never hands the plaintext back."""

    def __init__(self, sessions: sessionmaker[Session], secret_box: Encrypter) -> None:
        self._sessions = sessions
        self._box = secret_box

    def create(
        self,
        *,
        project_id: str | None,
        callback_uri: str,
        filter_: dict[str, Any],
        secret: str | None = None,
    ) -> Subscription:
        with self._sessions.begin() as session:
            subscription = Subscription(
                project_id=project_id,
                callback_uri=callback_uri,
                filter=filter_,
                secret=self._box.encrypt(secret) if secret else None,
            )
            session.add(subscription)
        return subscription

    def get(self, subscription_id: str) -> Subscription:
        with self._sessions() as session:
            subscription = session.get(Subscription, subscription_id)
            if subscription is None:
                raise NotFound(f"subscription '{subscription_id}' does not exist")
            return subscription

    def query(
        self,
        *,
        project_id: str | None = None,
        limit: int = 100,
        marker: str | None = None,
        order: Order = CREATED,
    ) -> list[Subscription]:
        query = select(Subscription)
        if project_id is not None:
            query = query.where(Subscription.project_id == project_id)
        with self._sessions() as session:
            query = after_marker(query, session, Subscription, marker, "subscription", order)
            return list(session.scalars(query.limit(limit)))

    def delete(self, subscription_id: str) -> None:
        """Remove it and its pending deliveries (they cascade)."""
        with self._sessions.begin() as session:
            subscription = session.get(Subscription, subscription_id)
            if subscription is None:
                raise NotFound(f"subscription '{subscription_id}' does not exist")
            session.delete(subscription)
