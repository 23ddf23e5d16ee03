"""Config snapshots: versions of a VNF's configuration, kept for its standby."""

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.exceptions import NotFound
from georedflow.storage.models import ConfigSnapshot


class ConfigRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def put(self, connection_id: str, media_type: str, content: str, keep: int) -> ConfigSnapshot:
        """Store a new version and drop all but the last ``keep``."""
        with self._sessions.begin() as session:
            last = session.scalar(
                select(func.max(ConfigSnapshot.version)).where(
                    ConfigSnapshot.connection_id == connection_id
                )
            )
            snapshot = ConfigSnapshot(
                connection_id=connection_id,
                version=(last or 0) + 1,
                media_type=media_type,
                content=content,
            )
            session.add(snapshot)
            session.flush()
            session.execute(
                delete(ConfigSnapshot).where(
                    ConfigSnapshot.connection_id == connection_id,
                    ConfigSnapshot.version <= snapshot.version - keep,
                )
            )
            session.expunge(snapshot)
            return snapshot

    def latest(self, connection_id: str) -> ConfigSnapshot | None:
        with self._sessions() as session:
            return session.scalar(
                select(ConfigSnapshot)
                .where(ConfigSnapshot.connection_id == connection_id)
                .order_by(ConfigSnapshot.version.desc())
                .limit(1)
            )

    def get(self, connection_id: str, version: int | None = None) -> ConfigSnapshot:
        if version is None:
            found = self.latest(connection_id)
        else:
            with self._sessions() as session:
                found = session.scalar(
                    select(ConfigSnapshot).where(
                        ConfigSnapshot.connection_id == connection_id,
                        ConfigSnapshot.version == version,
                    )
                )
        if found is None:
            which = "no config snapshot" if version is None else f"no config version {version}"
            raise NotFound(f"connection {connection_id} has {which}")
        return found
