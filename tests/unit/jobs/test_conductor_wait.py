"""The idle conductor's wait: the full timeout, unless a job is posted or it is stopped."""

import threading
import time

from georedflow.jobs.conductor import WakeOnPost


def waited(timeout: WakeOnPost, poke: object = None, after: float = 0.05) -> float:
    if poke is not None:
        threading.Timer(after, poke).start()  # type: ignore[arg-type]
    started = time.monotonic()
    timeout.wait()
    return time.monotonic() - started


def test_nothing_posted_waits_the_whole_timeout() -> None:
    assert waited(WakeOnPost(0.3)) >= 0.3


def test_a_posted_job_ends_the_wait_and_the_next_wait_is_whole_again() -> None:
    timeout = WakeOnPost(0.5)
    assert waited(timeout, timeout.posted, after=0.05) < 0.4
    assert waited(timeout) >= 0.5
    assert not timeout.is_stopped()


def test_a_job_posted_while_the_conductor_looked_ends_the_next_wait_at_once() -> None:
    timeout = WakeOnPost(5.0)
    timeout.posted("POSTED", {"job": None})
    assert waited(timeout) < 4.0


def test_stopping_ends_the_wait_and_stays_stopped() -> None:
    timeout = WakeOnPost(5.0)
    assert waited(timeout, timeout.interrupt) < 4.0
    assert timeout.is_stopped()
