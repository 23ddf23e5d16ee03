"""A site's slow-changing facts: kept for their max age, read afresh when asked to."""

from typing import Any

from georedflow.clouds.facts import SiteFacts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reader:
    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> list[dict[str, Any]]:
        self.reads += 1
        return [{"alias": "router", "read": self.reads}]


def test_a_cached_answer_is_kept_for_its_max_age_then_read_again() -> None:
    clock, read = Clock(), Reader()
    facts = SiteFacts(300, timer=clock)

    first = facts.get("extensions", read, cached=True)
    clock.now += 299
    assert facts.get("extensions", read, cached=True) == first
    assert read.reads == 1
    clock.now += 2
    assert facts.get("extensions", read, cached=True)[0]["read"] == 2
    assert read.reads == 2


def test_an_uncached_read_always_asks_and_refreshes_what_is_kept() -> None:
    clock, read = Clock(), Reader()
    facts = SiteFacts(300, timer=clock)
    facts.get("extensions", read, cached=True)

    assert facts.get("extensions", read, cached=False)[0]["read"] == 2
    assert facts.get("extensions", read, cached=True)[0]["read"] == 2
    assert read.reads == 2


def test_no_max_age_keeps_nothing() -> None:
    read = Reader()
    facts = SiteFacts(0)
    facts.get("extensions", read, cached=True)
    facts.get("extensions", read, cached=True)
    assert read.reads == 2


def test_facts_are_kept_apart_and_a_caller_cannot_change_what_is_kept() -> None:
    read = Reader()
    facts = SiteFacts(300)
    answer = facts.get("extensions", read, cached=True)
    answer[0]["alias"] = "changed"
    facts.get("external networks", read, cached=True)

    assert facts.get("extensions", read, cached=True)[0]["alias"] == "router"
    assert read.reads == 2
