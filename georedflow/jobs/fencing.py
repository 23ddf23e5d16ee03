"""Fencing: a runner that lost its claim on a job must stop writing anywhere.

A worker paused past its ZooKeeper session (or cut off by a partition) wakes
up still running its flow while another worker has resumed the same job.
Checking ownership between engine transitions is not enough: in-flight tasks
go on to their next cloud call, and the engine would record their outcome,
or even start reverting, in the logbook the new owner is using. So every write
such a runner makes first asks the fence, and a lost claim raises ``Fenced``
instead: each mutating cloud call, each config delivery, each logbook update,
and each transaction of georedflow's own tables (task rows, the job's progress
and outcome, the connection record and what it holds). TaskFlow treats a failed
logbook write as fatal (no revert), so the stale flow stops where it is.

Database writes carry a token as well: the job's attempt number, which each
attempt increments when it starts (``JobRepository.start_attempt``, with the
ZooKeeper check inside that transaction). ``Fence.guard`` runs inside every
writing transaction of the attempt and locks the job's row while it compares
the number, so the write commits only while no later attempt has started, and
a later attempt can start only once it has. That closes, for the database, the
window a ZooKeeper check leaves (ask, pause, then write after the takeover).

What remains: cloud calls, deliveries and logbook writes are checked against
ZooKeeper only, so a runner paused between such a check and its write, for
longer than its session, makes that one write after another worker took over
(the next one is refused); a yes is reused for ``Fence.fresh_for`` (0.1 s in a
worker), which stretches that window by as much and no more. And the token is only
as good as the check in ``start_attempt``: a ZooKeeper read served stale by a
lagging ensemble member could let an old claim start one more attempt, which would
then fence the rightful owner off (both stop; the job is claimed again).
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from georedflow.clouds.driver import SiteDriver
from georedflow.config_delivery import ConfigDelivery
from georedflow.exceptions import Fenced
from georedflow.storage.models import Job

__all__ = ["Fence", "Fenced", "FencedBackend", "fenced_delivery", "fenced_driver"]

LOG = logging.getLogger(__name__)

# Driver calls that change a cloud; reads pass straight through.
MUTATING_CALLS = frozenset(
    {
        "create",
        "update",
        "ensure_bandwidth_limit",
        "set_tags",
        "delete",
        "add_router_interface",
        "remove_router_interface",
        "associate_network",
        "disassociate_network",
        "connect_l2_gateway",
        "disconnect_l2_gateway",
    }
)

# The guard's read, built once: a statement's cache key is computed once per statement
# object, and a guard runs in every writing transaction of a job.
_ATTEMPTS = select(Job.attempts).where(Job.id == bindparam("job_id")).with_for_update()

# Logbook writes TaskFlow's storage makes.
LOGBOOK_WRITES = frozenset(
    {"update_atom_details", "update_flow_details", "save_logbook", "destroy_logbook"}
)


def _clock() -> float:
    # Seconds that also pass while the machine is suspended (CLOCK_BOOTTIME), so a
    # worker frozen with its host never finds an old answer still fresh.
    return time.clock_gettime(getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC))


class Fence:
    """Asks ``owns`` before each write; once ownership is lost it stays lost.

    ``attempt`` is the job's attempt number this runner holds, once its attempt
    has started: the database token ``guard`` compares.

    ``fresh_for`` seconds: a yes is trusted that long after the ask began, instead
    of asking ZooKeeper again for each of a task's half-dozen writes. It widens the
    window a check always leaves (ask, then write) by at most that much, and no
    more: a pause longer than it (the case fencing is for) is seen on the clock and
    the next write asks again.
    """

    def __init__(self, job_id: str, owns: Callable[[], bool], fresh_for: float = 0.0) -> None:
        self._job_id = job_id
        self._owns = owns
        self._fresh_for = fresh_for
        self._confirmed_at = -math.inf
        self._lock = threading.Lock()
        self.lost = False
        self.attempt: int | None = None

    def check(self) -> None:
        asked_at = _clock()
        if not self.lost and asked_at - self._confirmed_at < self._fresh_for:
            return
        if not self.lost and self._owns():
            self._confirmed_at = asked_at
            return
        self._lose()

    def _lose(self) -> None:
        with self._lock:
            if not self.lost:
                LOG.warning("job %s: claim lost, fencing this worker off it", self._job_id)
            self.lost = True
        raise Fenced(f"job {self._job_id}: this runner no longer owns the job")

    def guard(self, session: Session) -> None:
        """In a writing transaction: refuse it unless this attempt still holds the job.

        Locks the job's row until the transaction ends (``FOR UPDATE``; SQLite
        serialises writers anyway), so no attempt can start in between.
        """
        self.check()
        if self.attempt is None:
            raise RuntimeError(f"job {self._job_id}: guarded write before the attempt started")
        current = (
            session.connection()  # not session.execute: that would autoflush mid-flush
            .execute(_ATTEMPTS, {"job_id": self._job_id})
            .scalar()
        )
        if current != self.attempt:
            LOG.warning(
                "job %s: attempt %s started after this one (%d)",
                self._job_id,
                current,
                self.attempt,
            )
            self._lose()


class _Guarded:
    """Delegates everything to ``inner``, checking the fence before the named calls."""

    def __init__(self, inner: Any, fence: Fence, guarded: frozenset[str]) -> None:
        self._inner = inner
        self._fence = fence
        self._guarded = guarded

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name not in self._guarded:
            return attr

        def guarded(*args: Any, **kwargs: Any) -> Any:
            self._fence.check()
            return attr(*args, **kwargs)

        return guarded


def fenced_driver(driver: SiteDriver, fence: Fence) -> SiteDriver:
    return _Guarded(driver, fence, MUTATING_CALLS)


def fenced_delivery(delivery: ConfigDelivery, fence: Fence) -> ConfigDelivery:
    """A config delivery that is not sent once the job is lost (the new owner sends it)."""
    return _Guarded(delivery, fence, frozenset({"deliver"}))  # type: ignore[return-value]


class FencedBackend(_Guarded):
    """A TaskFlow persistence backend whose connections refuse writes once fenced."""

    def __init__(self, backend: Any, fence: Fence) -> None:
        super().__init__(backend, fence, frozenset())

    def get_connection(self) -> Any:
        return _Guarded(self._inner.get_connection(), self._fence, LOGBOOK_WRITES)
