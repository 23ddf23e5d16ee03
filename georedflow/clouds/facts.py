"""What a site offers that changes only when its cloud is reconfigured, kept a while.

Each create surveys both sites, in its pre-flight and again in its flow: their Neutron
extensions and external networks come back the same until an operator reconfigures
Neutron. A driver answers a survey's reads from what it read within ``max_age``
seconds; a probe of the site always reads afresh (and refreshes what is kept).
cachetools' TTLCache keeps the entries; it is not thread-safe, hence the lock.
"""

import copy
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import cachetools

T = TypeVar("T")


class SiteFacts:
    def __init__(self, max_age: float, timer: Callable[[], float] = time.monotonic) -> None:
        self._kept: cachetools.TTLCache[str, Any] | None = (
            cachetools.TTLCache(maxsize=8, ttl=max_age, timer=timer) if max_age > 0 else None
        )
        self._lock = threading.Lock()

    def get(self, name: str, read: Callable[[], T], *, cached: bool) -> T:
        """``read()``'s answer; with ``cached``, the one kept if it is young enough."""
        if self._kept is None:
            return read()
        if cached:
            with self._lock:
                if name in self._kept:
                    return copy.deepcopy(self._kept[name])  # type: ignore[no-any-return]
        value = read()
        with self._lock:
            self._kept[name] = copy.deepcopy(value)
        return value
