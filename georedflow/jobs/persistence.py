"""TaskFlow's logbooks in georedflow's own database.

Two costs of TaskFlow's SQL backend are taken off (measured in ``bench/persistence.py``),
each small enough to go upstream:

- it rebuilds its SQLAlchemy ``Table`` objects on every ``get_connection()``, and it
  asks for a connection several times per task transition; ``CachedTablesBackend``
  builds them once per backend;
- every atom save reads the row back, converts it and merges the new detail into it
  before it writes; the merge replaces every column it writes, so one UPDATE of the
  new detail is the same write (``update_atom_details`` below);
- every flow save (each change of the flow's state) reads all its atoms back and
  rewrites each of them, although TaskFlow's storage saves each atom itself whenever
  it changes; only the atoms new to the flow need writing (``update_flow_details``).

One choice is georedflow's own, not a fix: a save that changes nothing but a task's
progress (TaskFlow saves 0.0 after RUNNING and 1.0 after SUCCESS, two of a task's
four saves) is not written. Nothing reads progress back from a logbook: a job's
progress comes from its task rows, and a resumed engine needs states and results.
"""

import collections
import contextlib
import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from taskflow import exceptions as tf_exc
from taskflow.persistence.backends import impl_sqlalchemy
from taskflow.persistence.backends.sqlalchemy import tables
from taskflow.storage import META_PROGRESS, META_PROGRESS_DETAILS

_PROGRESS = (META_PROGRESS, META_PROGRESS_DETAILS)


class _CachedTablesConnection(impl_sqlalchemy.Connection):  # type: ignore[misc]
    def __init__(self, backend: "CachedTablesBackend", upgrade_lock: Any) -> None:
        # Deliberately not calling the parent: it would rebuild the tables.
        self._backend = backend
        self._upgrade_lock = upgrade_lock
        self._engine = backend.engine
        self._metadata = backend.metadata
        self._tables = backend.tables
        self._converter = impl_sqlalchemy._Alchemist(self._tables)
        self._update_atom = backend.update_atom

    def update_atom_details(self, atom_detail: Any) -> Any:
        """The parent's save, without its read: ``AtomDetail.merge`` takes state,
        intention, results, failures, meta and version from the new detail, so what it
        writes after reading is the new detail's ``to_dict()`` itself. Not written when
        only its progress moved since this process last wrote it."""
        values = atom_detail.to_dict()
        if not self._backend.written.changed(atom_detail.uuid, values):
            return atom_detail
        try:
            with self._engine.begin() as conn:
                updated = conn.execute(
                    self._update_atom, {**values, "atom_uuid": atom_detail.uuid}
                ).rowcount
        except sa_exc.SQLAlchemyError:
            tf_exc.raise_with_cause(
                tf_exc.StorageFailure,
                f"Failed updating atom details with uuid '{atom_detail.uuid}'",
            )
        if not updated:
            raise tf_exc.NotFound(f"No atom details found with uuid '{atom_detail.uuid}'")
        self._backend.written.remember(atom_detail.uuid, values)
        return atom_detail

    def update_flow_details(self, flow_detail: Any) -> Any:
        """The parent's save of the flow's own row and of the atoms new to it.

        Its atoms already stored are left as they are: each was written by
        ``update_atom_details`` when it last changed (``FlowDetail.merge`` does not
        merge atoms, so the caller gets the same flow detail back either way).
        """
        flowdetails, atomdetails = self._tables.flowdetails, self._tables.atomdetails
        try:
            with self._engine.begin() as conn:
                updated = conn.execute(
                    sa.update(flowdetails)
                    .where(flowdetails.c.uuid == flow_detail.uuid)
                    .values(flow_detail.to_dict())
                ).rowcount
                if not updated:
                    raise tf_exc.NotFound(f"No flow details found with uuid '{flow_detail.uuid}'")
                stored = set(
                    conn.execute(
                        sa.select(atomdetails.c.uuid).where(
                            atomdetails.c.parent_uuid == flow_detail.uuid
                        )
                    ).scalars()
                )
                for atom_detail in flow_detail:
                    if atom_detail.uuid not in stored:
                        self._insert_atom_details(conn, atom_detail, flow_detail.uuid)
        except sa_exc.SQLAlchemyError:
            tf_exc.raise_with_cause(
                tf_exc.StorageFailure,
                f"Failed updating flow details with uuid '{flow_detail.uuid}'",
            )
        return flow_detail


class _Written:
    """What this process last wrote of each atom, progress aside (the latest atoms only)."""

    _SIZE = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()

    @staticmethod
    def _without_progress(values: dict[str, Any]) -> dict[str, Any]:
        meta = {k: v for k, v in (values.get("meta") or {}).items() if k not in _PROGRESS}
        return {**values, "meta": meta}

    def changed(self, uuid: str, values: dict[str, Any]) -> bool:
        with self._lock:
            return self._last.get(uuid) != self._without_progress(values)

    def remember(self, uuid: str, values: dict[str, Any]) -> None:
        with self._lock:
            self._last[uuid] = self._without_progress(values)
            self._last.move_to_end(uuid)
            while len(self._last) > self._SIZE:
                self._last.popitem(last=False)


class CachedTablesBackend(impl_sqlalchemy.SQLAlchemyBackend):  # type: ignore[misc]
    def __init__(self, conf: dict[str, Any], engine: Engine) -> None:
        super().__init__(conf, engine=engine)
        self.metadata = sa.MetaData()
        self.tables = tables.fetch(self.metadata)
        self.written = _Written()
        # Built once: its cache key is computed once, not at each of a task's saves.
        atomdetails = self.tables.atomdetails
        self.update_atom = sa.update(atomdetails).where(
            atomdetails.c.uuid == sa.bindparam("atom_uuid")
        )

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
