import contextlib

import sqlalchemy as sa
import taskflow.engines
from taskflow import task
from taskflow.patterns import linear_flow
from taskflow.persistence import models
from taskflow.persistence.backends.impl_sqlalchemy import SQLAlchemyBackend

from georedflow.jobs.persistence import make_backend, upgrade
from georedflow.storage import db


class Double(task.Task):
    def execute(self, number: int) -> int:
        return number * 2


def test_connections_share_one_set_of_tables(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    upgrade(engine)
    backend = make_backend(engine)

    first, second = backend.get_connection(), backend.get_connection()

    assert first._tables is second._tables is backend.tables


def test_what_the_cached_backend_writes_the_stock_backend_reads(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    upgrade(engine)
    book = models.LogBook("book")
    flow = linear_flow.Flow("f").add(Double(name="Double", provides="doubled"))
    engine_ = taskflow.engines.load(
        flow, store={"number": 21}, book=book, backend=make_backend(engine)
    )
    engine_.run()

    stock = SQLAlchemyBackend({"connection": sqlite_url}, engine=engine)
    with contextlib.closing(stock.get_connection()) as conn:
        flow_detail = next(iter(conn.get_logbook(book.uuid)))
        results = {ad.name: ad.results for ad in flow_detail}

    assert results["Double"] == 42


class Fail(task.Task):
    def execute(self, doubled: int) -> None:
        raise RuntimeError(f"no {doubled}")

    def revert(self, doubled: int, **kwargs: object) -> str:
        return "undone"


def _stored(sqlite_url: str, backend: object) -> dict[str, tuple[object, ...]]:
    """Run a flow that fails and reverts on ``backend``; every atom as stored, read back
    by TaskFlow's own backend."""
    engine = db.make_engine(sqlite_url)
    upgrade(engine)
    book = models.LogBook("book")
    flow = linear_flow.Flow("f").add(
        Double(name="Double", provides="doubled"),
        Double(name="Again", provides="again", rebind={"number": "doubled"}),
        Fail(name="Fail"),
    )
    loaded = taskflow.engines.load(
        flow,
        store={"number": 21},
        book=book,
        backend=backend(engine),  # type: ignore[operator]
    )
    with contextlib.suppress(RuntimeError):
        loaded.run()
    stock = SQLAlchemyBackend({"connection": sqlite_url}, engine=engine)
    with contextlib.closing(stock.get_connection()) as conn:
        flow_detail = next(iter(conn.get_logbook(book.uuid)))
        return {
            ad.name: (
                ad.state,
                ad.intention,
                ad.results,
                ad.revert_results,
                ad.failure.exception_str if ad.failure else None,
                {k: v for k, v in ad.meta.items() if k != "progress"},  # not kept: see below
                ad.version,
            )
            for ad in flow_detail
        } | {"flow": (flow_detail.state,)}


def test_the_cached_backend_stores_every_atom_as_the_stock_backend_does(
    tmp_path: object,
) -> None:
    url = f"sqlite:///{tmp_path}/"  # one database per backend

    ours = _stored(url + "ours.sqlite", make_backend)
    theirs = _stored(
        url + "stock.sqlite",
        lambda engine: SQLAlchemyBackend({"connection": "-"}, engine=engine),
    )

    assert ours == theirs
    assert ours["Fail"][0] == "REVERTED" and ours["Double"][2] == 42  # it ran, and failed


def test_a_task_costs_two_atom_writes_its_progress_none(sqlite_url: str) -> None:
    """RUNNING and SUCCESS are written; the saves that only move progress are not."""
    engine = db.make_engine(sqlite_url)
    upgrade(engine)
    updates: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def count(_conn: object, _cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("UPDATE atomdetails"):
            updates.append(statement)

    flow = linear_flow.Flow("f").add(
        *[Double(name=f"d{i}", inject={"number": i}) for i in range(3)]
    )
    taskflow.engines.load(flow, book=models.LogBook("b"), backend=make_backend(engine)).run()

    assert len(updates) == 2 * 3
