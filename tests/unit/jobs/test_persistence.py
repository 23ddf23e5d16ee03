import contextlib

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
