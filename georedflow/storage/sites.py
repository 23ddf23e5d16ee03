"""Sites: registered NFVIs."""

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from georedflow.exceptions import Conflict, NotFound
from georedflow.storage.models import Endpoint, Site
from georedflow.storage.pagination import Order, after_marker

BY_NAME = Order("name")


class SiteRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @staticmethod
    def _lookup(session: Session, ref: str) -> Site:
        site = session.scalars(select(Site).where(or_(Site.id == ref, Site.name == ref))).first()
        if site is None:
            raise NotFound(f"site '{ref}' does not exist")
        return site

    def create(self, **fields: Any) -> Site:
        try:
            with self._sessions.begin() as session:
                site = Site(**fields)
                session.add(site)
                session.flush()
                return site
        except IntegrityError:
            raise Conflict(f"a site named '{fields.get('name')}' already exists") from None

    def get(self, ref: str) -> Site:
        with self._sessions() as session:
            return self._lookup(session, ref)

    def query(
        self, *, limit: int | None = None, marker: str | None = None, order: Order = BY_NAME
    ) -> list[Site]:
        """Sites by name, or in ``order``; every one unless a ``limit`` is given."""
        with self._sessions() as session:
            query = after_marker(select(Site), session, Site, marker, "site", order)
            return list(session.scalars(query.limit(limit)))

    def update(self, ref: str, **fields: Any) -> Site:
        try:
            with self._sessions.begin() as session:
                site = self._lookup(session, ref)
                for key, value in fields.items():
                    setattr(site, key, value)
                session.flush()
                return site
        except IntegrityError:
            raise Conflict(f"a site named '{fields.get('name')}' already exists") from None

    def delete(self, ref: str) -> None:
        with self._sessions.begin() as session:
            site = self._lookup(session, ref)
            users = session.scalars(
                select(Endpoint.connection_id).where(Endpoint.site_id == site.id)
            ).all()
            if users:
                raise Conflict(
                    f"site '{site.name}' is used by {len(users)} connection(s), "
                    f"e.g. {users[0]}; delete them first"
                )
            session.delete(site)
