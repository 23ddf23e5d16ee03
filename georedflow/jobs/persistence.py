"""TaskFlow's logbooks in georedflow's own database.

TaskFlow's SQL backend rebuilds its SQLAlchemy ``Table`` objects on every
``get_connection()``, and it asks for a connection several times per task
transition; ``CachedTablesBackend`` builds them once per backend instead
(measured in ``bench/persistence.py``).
"""

import contextlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from taskflow.persistence.backends import impl_sqlalchemy
from taskflow.persistence.backends.sqlalchemy import tables


class _CachedTablesConnection(impl_sqlalchemy.Connection):  # type: ignore[misc]
    def __init__(self, backend: "CachedTablesBackend", upgrade_lock: Any) -> None:
        # Deliberately not calling the parent: it would rebuild the tables.
        self._backend = backend
        self._upgrade_lock = upgrade_lock
        self._engine = backend.engine
        self._metadata = backend.metadata
        self._tables = backend.tables
        self._converter = impl_sqlalchemy._Alchemist(self._tables)


class CachedTablesBackend(impl_sqlalchemy.SQLAlchemyBackend):  # type: ignore[misc]
    def __init__(self, conf: dict[str, Any], engine: Engine) -> None:
        super().__init__(conf, engine=engine)
        self.metadata = sa.MetaData()
        self.tables = tables.fetch(self.metadata)

    def get_connection(self) -> impl_sqlalchemy.Connection:
        conn = _CachedTablesConnection(self, upgrade_lock=self._upgrade_lock)
        if not self._validated:  # type: ignore[has-type]
            conn.validate(max_retries=self._max_retries)
            self._validated = True
        return conn


def make_backend(engine: Engine) -> CachedTablesBackend:
    """A TaskFlow backend sharing georedflow's engine (one pool, the same SQLite pragmas)."""
    url = engine.url.render_as_string(hide_password=False)
    return CachedTablesBackend({"connection": url}, engine=engine)


def upgrade(engine: Engine) -> None:
    """Create or migrate TaskFlow's logbook tables."""
    backend = make_backend(engine)
    with contextlib.closing(backend.get_connection()) as connection:
        connection.upgrade()
