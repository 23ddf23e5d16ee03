import contextlib
from typing import Any

import pytest
import taskflow.engines
from taskflow import states, task
from taskflow.patterns import linear_flow
from taskflow.persistence import models

from georedflow.clouds.kinds import Kind
from georedflow.jobs.fencing import Fence, Fenced, FencedBackend, fenced_driver
from georedflow.jobs.persistence import make_backend, upgrade
from georedflow.storage import db
from tests.unit.fakes import FakeDriver


class Ownership:
    def __init__(self) -> None:
        self.owned = True
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.owned


def test_a_lost_fence_refuses_cloud_writes_but_not_reads() -> None:
    ownership = Ownership()
    fake = FakeDriver()
    driver = fenced_driver(fake, Fence("job-1", ownership))
    made = driver.create(Kind.NETWORK, {"name": "n"})

    ownership.owned = False
    with pytest.raises(Fenced):
        driver.delete(Kind.NETWORK, made["id"])
    asked = ownership.asked
    with pytest.raises(Fenced):
        driver.set_tags(Kind.NETWORK, made["id"], ["t"])

    assert ownership.asked == asked  # once lost, always lost: no more questions
    assert driver.find(Kind.NETWORK, "n") is not None
    assert driver.site == fake.site
    assert list(fake.resources[Kind.NETWORK]) == [made["id"]]


class MakeNetwork(task.Task):  # type: ignore[misc]
    def __init__(self, name: str, lose: Ownership | None = None) -> None:
        super().__init__(name=name)
        self._lose = lose

    def execute(self, driver: Any) -> str:
        if self._lose is not None:
            self._lose.owned = False  # the claim expires while this task runs
        return str(driver.create(Kind.NETWORK, {"name": self.name})["id"])

    def revert(self, driver: Any, **kwargs: Any) -> None:
        found = driver.find(Kind.NETWORK, self.name)
        if found:
            driver.delete(Kind.NETWORK, found["id"])


def test_a_fenced_flow_stops_without_reverting_or_writing_its_logbook(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    upgrade(engine)
    backend = make_backend(engine)
    ownership = Ownership()
    fence = Fence("job-1", ownership)
    fake = FakeDriver()
    flow = linear_flow.Flow("f").add(MakeNetwork("first"), MakeNetwork("second", ownership))
    book = models.LogBook("book")
    flow_engine = taskflow.engines.load(flow, book=book, backend=FencedBackend(backend, fence))
    flow_engine.storage.inject({"driver": fenced_driver(fake, fence)}, transient=True)

    with pytest.raises(Fenced):
        flow_engine.run()

    with contextlib.closing(backend.get_connection()) as conn:
        flow_detail = next(iter(conn.get_logbook(book.uuid)))
        saved = {ad.name: ad.state for ad in flow_detail}
    assert saved == {"first": states.SUCCESS, "second": states.RUNNING}  # for the new owner
    assert [r["name"] for r in fake.resources[Kind.NETWORK].values()] == ["first"]
    assert fence.lost


# What a driver may do without the fence asking: it changes nothing on a cloud.
READS = {
    "extensions",
    "external_networks",
    "find",
    "get",
    "query",
    "quota_details",
    "l2_gateway_connections",
    "router_interface_subnets",
    "network_associations",
    "wait_for_status",
    "site",
}


def test_every_driver_call_is_either_fenced_or_a_read() -> None:
    """A new mutating call on the driver protocol must be fenced: no call is unclassified."""
    from georedflow.clouds.driver import SiteDriver
    from georedflow.jobs.fencing import MUTATING_CALLS

    calls = {name for name in dir(SiteDriver) if not name.startswith("_")}
    calls |= set(getattr(SiteDriver, "__annotations__", {}))
    assert calls - MUTATING_CALLS - READS == set()
    assert not MUTATING_CALLS & READS
    assert {"connect_l2_gateway", "disconnect_l2_gateway"} <= MUTATING_CALLS


def test_a_yes_is_trusted_only_as_long_as_it_is_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    from georedflow.jobs import fencing

    now = [100.0]
    monkeypatch.setattr(fencing, "_clock", lambda: now[0])
    ownership = Ownership()
    fence = Fence("job-1", ownership, fresh_for=0.1)

    fence.check()
    now[0] += 0.05
    fence.check()  # within 0.1 s of the ask: not asked again
    assert ownership.asked == 1
    now[0] += 0.06  # 0.11 s after the ask began (a pause, a slow write): asked again
    fence.check()
    assert ownership.asked == 2
    ownership.owned = False
    now[0] += 0.2
    with pytest.raises(Fenced):
        fence.check()
    ownership.owned = True  # once lost, lost: not even a fresh yes brings it back
    with pytest.raises(Fenced):
        fence.check()
    assert ownership.asked == 3


def test_without_fresh_for_every_write_asks() -> None:
    ownership = Ownership()
    fence = Fence("job-1", ownership)
    for _ in range(3):
        fence.check()
    assert ownership.asked == 3
