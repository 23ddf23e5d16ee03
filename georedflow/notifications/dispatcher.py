"""The dispatcher: one background thread per process that sends the outbox's events.

It never touches a flow: flows only write event rows (storage/outbox.py); this
thread reads them, fans them out to subscriptions and POSTs them, one at a time,
so a slow or dead receiver can delay other deliveries but never a flow. It
connects only to addresses its Destinations allow (destinations.py).
"""

import logging
import threading
import time
from datetime import timedelta

import httpx

import georedflow
from georedflow.crypto import SecretBox
from georedflow.exceptions import GeoredflowError, InvalidInput
from georedflow.notifications import signing
from georedflow.notifications.backoff import retry_delay
from georedflow.notifications.destinations import Destinations
from georedflow.notifications.settings import NotificationSettings
from georedflow.storage.deliveries import DeliveryQueue, Outgoing
from georedflow.storage.models import utcnow

LOG = logging.getLogger(__name__)

# A claim outlives the POST it covers, so only a dead sender loses it.
LEASE_MARGIN = 30.0
PRUNE_EVERY = 3600.0  # seconds between two clean-ups of old events


class Dispatcher:
    def __init__(
        self,
        queue: DeliveryQueue,
        secret_box: SecretBox,
        settings: NotificationSettings,
        destinations: Destinations,
    ) -> None:
        self._queue = queue
        self._box = secret_box
        self._settings = settings
        self._client = destinations.client(
            settings.timeout, headers={"User-Agent": f"georedflow/{georedflow.__version__}"}
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="georedflow-notifications")
        self._thread.daemon = True  # a process that forgets close() still exits
        self._last_problem: str | None = None
        self._pruned_at: float | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the POST in flight (if any); what is left is sent later."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(self._settings.timeout + 5)
        self._client.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = self.run_once()
                self._last_problem = None
            except Exception as error:  # the database away, the schema not there yet
                sent = 0
                # The first line only: SQLAlchemy appends the statement and its parameters.
                first_line = next(iter(str(error).splitlines()), "")
                problem = f"{type(error).__name__}: {first_line}"
                if problem != self._last_problem:  # once, not on every poll
                    LOG.warning("notifications: cannot read the outbox: %s", problem)
                    self._last_problem = problem
            if not sent:
                self._stopping.wait(self._settings.poll_interval)

    def run_once(self) -> int:
        """Fan out new events and send what is due; returns how many POSTs were made."""
        self._prune()
        self._queue.fan_out(self._settings.batch)
        sent = 0
        lease = self._settings.timeout + LEASE_MARGIN
        for delivery_id in self._queue.due(utcnow(), self._settings.batch):
            if self._stopping.is_set():
                break
            outgoing = self._queue.claim(delivery_id, utcnow(), lease)
            if outgoing is not None:
                self._send(outgoing)
                sent += 1
        return sent

    def _prune(self) -> None:
        days = self._settings.event_retention_days
        now = time.monotonic()
        if not days or (self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY):
            return
        pruned = self._queue.prune(utcnow() - timedelta(days=days))
        self._pruned_at = now
        if pruned:
            LOG.info("notifications: forgot %d events older than %g days", pruned, days)

    def _send(self, outgoing: Outgoing) -> None:
        what = f"{outgoing.event_type} {outgoing.event_id} to {outgoing.callback_uri}"
        try:
            error = self._post(outgoing)
        except InvalidInput as refused:
            # The host resolves to an address that is not allowed (it may have changed
            # since the subscription was made): nothing was sent, and retrying would only
            # ask again, so the delivery fails now, with the reason.
            self._queue.give_up(outgoing.delivery_id, f"refused: {refused}")
            LOG.warning("notifications: refused to send %s: %s", what, refused)
            return
        if error is None:
            self._queue.delivered(outgoing.delivery_id, utcnow())
            LOG.info("notifications: delivered %s", what)
        elif outgoing.attempts >= self._settings.max_attempts:
            self._queue.give_up(outgoing.delivery_id, error)
            LOG.warning(
                "notifications: gave up on %s after %d attempts: %s",
                what,
                outgoing.attempts,
                error,
            )
        else:
            delay = retry_delay(
                outgoing.attempts,
                self._settings.retry_base_seconds,
                self._settings.retry_max_seconds,
            )
            self._queue.retry_at(outgoing.delivery_id, utcnow() + timedelta(seconds=delay), error)
            LOG.info("notifications: %s failed (%s); again in %.1f s", what, error, delay)

    def _post(self, outgoing: Outgoing) -> str | None:
        """POST the event; None when the receiver took it, else why not.

        Raises InvalidInput when the destination is refused (nothing was sent).
        """
        body = signing.encode(outgoing.document)
        headers = {
            "Content-Type": "application/json",
            signing.EVENT_HEADER: outgoing.event_type,
            signing.EVENT_ID_HEADER: outgoing.event_id,
            signing.DELIVERY_HEADER: str(outgoing.delivery_id),
        }
        try:
            if outgoing.secret is not None:
                secret = self._box.decrypt(outgoing.secret)
                headers[signing.SIGNATURE_HEADER] = signing.sign(body, secret)
            response = self._client.post(outgoing.callback_uri, content=body, headers=headers)
        except InvalidInput:
            raise
        except (httpx.HTTPError, httpx.InvalidURL, GeoredflowError) as error:
            return f"{type(error).__name__}: {error}"
        if response.is_success:
            return None
        return f"HTTP {response.status_code}"
