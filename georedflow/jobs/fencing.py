"""Fencing: a runner that lost its claim on a job must stop writing anywhere.

A worker paused past its ZooKeeper session (or cut off by a partition) wakes
up still running its flow while another worker has resumed the same job.
Checking ownership between engine transitions is not enough: in-flight tasks
go on to their next cloud call, and the engine would record their outcome,
or even start reverting, in the logbook the new owner is using. So every write
such a runner makes — each mutating cloud call and each logbook update — first
asks the fence, and a lost claim raises ``Fenced`` instead. TaskFlow treats a
failed logbook write as fatal (no revert), so the stale flow stops where it is.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.exceptions import Fenced

__all__ = ["Fence", "Fenced", "FencedBackend", "fenced_driver"]

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
    }
)

# Logbook writes TaskFlow's storage makes.
LOGBOOK_WRITES = frozenset(
    {"update_atom_details", "update_flow_details", "save_logbook", "destroy_logbook"}
)


class Fence:
    """Asks ``owns`` before each write; once ownership is lost it stays lost."""

    def __init__(self, job_id: str, owns: Callable[[], bool]) -> None:
        self._job_id = job_id
        self._owns = owns
        self._lock = threading.Lock()
        self.lost = False

    def check(self) -> None:
        if not self.lost and self._owns():
            return
        with self._lock:
            if not self.lost:
                LOG.warning("job %s: claim lost, fencing this worker off it", self._job_id)
            self.lost = True
        raise Fenced(f"job {self._job_id}: this runner no longer owns the job")


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


class FencedBackend(_Guarded):
    """A TaskFlow persistence backend whose connections refuse writes once fenced."""

    def __init__(self, backend: Any, fence: Fence) -> None:
        super().__init__(backend, fence, frozenset())

    def get_connection(self) -> Any:
        return _Guarded(self._inner.get_connection(), self._fence, LOGBOOK_WRITES)
