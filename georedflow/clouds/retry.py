"""Retrying a site's transient failures: bounded exponential back-off with jitter.

A 503, a timeout or a dropped connection from a busy Neutron is not a reason to
revert a whole build. Each public driver method is one idempotent step (a create
looks for what an earlier attempt made before it posts again, see
``OpenStackDriver.create``), so retrying the whole method is safe. Permanent
errors (validation, quota, not found) are raised at once.

The retry loop is tenacity's; what is ours is the policy, the log line and the
metric, and that a method called inside another one's retry loop does not retry
on its own (the outer loop retries the whole step, so attempts do not multiply).
"""

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import tenacity

from georedflow import exceptions as exc
from georedflow import metrics

LOG = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a transient cloud failure is retried."""

    retries: int = 4  # attempts after the first
    max_delay: float = 10.0  # seconds, the longest wait between two attempts
    first_delay: float = 0.5  # seconds, the scale of the first wait

    def retrying(self, site: str, operation: str) -> tenacity.Retrying:
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(_transient),
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=tenacity.wait_random_exponential(multiplier=self.first_delay, max=self.max_delay),
            before_sleep=functools.partial(_before_sleep, site, operation, self.retries),
            reraise=True,
        )


def _transient(error: BaseException) -> bool:
    return isinstance(error, exc.CloudError) and error.transient


def _before_sleep(site: str, operation: str, retries: int, state: tenacity.RetryCallState) -> None:
    metrics.CLOUD_RETRIES.labels(site, operation).inc()
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    LOG.warning(
        "site %s: %s failed (%s); retry %d of %d in %.1f s",
        site,
        operation,
        error,
        state.attempt_number,
        retries,
        wait,
    )


class Attempts(threading.local):
    """Per thread: the attempt number of the retry loop this thread is in (0: none)."""

    number = 0


def retried(operation: Callable[..., str]) -> Callable[[F], F]:
    """Decorate a driver method: retry it whole on transient errors.

    ``operation(*args)`` names the call for the log and the metric. The method's
    object must have ``site``, ``retry_policy`` and ``attempts`` (an ``Attempts``).
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            attempts: Attempts = self.attempts
            if attempts.number:  # inside another method's loop: that loop retries
                return method(self, *args, **kwargs)
            policy: RetryPolicy = self.retry_policy

            def once() -> Any:
                attempts.number += 1
                return method(self, *args, **kwargs)

            try:
                return policy.retrying(self.site, operation(*args))(once)
            finally:
                attempts.number = 0

        return wrapper  # type: ignore[return-value]

    return decorate
