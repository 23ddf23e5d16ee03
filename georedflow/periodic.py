"""A daemon thread that calls one function every few seconds until it is stopped."""

import logging
import threading
from collections.abc import Callable

LOG = logging.getLogger(__name__)


class Periodic:
    """Calls ``run`` every ``tick`` seconds (``at_start``: at the start too); a failure is
    logged and the next tick tries again."""

    def __init__(
        self, name: str, run: Callable[[], object], tick: float, *, at_start: bool = False
    ) -> None:
        self._name = name
        self._run = run
        self._tick = tick
        self._at_start = at_start
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def start(self) -> None:
        if not self._thread.is_alive() and not self._stopped.is_set():
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        if self._at_start:
            self._once()
        while not self._stopped.wait(self._tick):
            self._once()

    def _once(self) -> None:
        try:
            self._run()
        except Exception:
            LOG.exception("the periodic %s failed; it runs again in %g s", self._name, self._tick)
