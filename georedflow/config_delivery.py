"""Delivering a config snapshot to the spare VNF's activation callback."""

import logging
import time
from dataclasses import dataclass, field

import httpx

from georedflow.exceptions import DeliveryFailed, InvalidInput
from georedflow.notifications.destinations import Destinations
from georedflow.storage.models import ConfigSnapshot, Connection

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConfigDelivery:
    """POSTs with retries and exponential back-off; raises once every attempt failed.

    Only to addresses ``destinations`` allows; a refused one fails the delivery at once.
    """

    attempts: int = 5
    backoff: float = 1.0  # seconds before the second attempt; doubles each time
    timeout: float = 10.0
    destinations: Destinations = field(default_factory=Destinations)

    def deliver(
        self, url: str, connection: Connection, snapshot: ConfigSnapshot, *, epoch: int
    ) -> None:
        """``epoch``: the fencing token the receiver holds once it is primary; it sends it
        with its heartbeats."""
        headers = {
            "Content-Type": snapshot.media_type,
            "X-Georedflow-Connection": connection.id,
            "X-Georedflow-Config-Version": str(snapshot.version),
            "X-Georedflow-Epoch": str(epoch),
        }
        with self.destinations.client(self.timeout) as client:
            last = ""
            for attempt in range(1, self.attempts + 1):
                try:
                    response = client.post(url, content=snapshot.content.encode(), headers=headers)
                    if response.is_success:
                        LOG.info(
                            "connection %s: config version %d delivered to %s",
                            connection.id,
                            snapshot.version,
                            url,
                        )
                        return
                    last = f"HTTP {response.status_code}"
                except InvalidInput as refused:
                    # Checked when the connection was created; the name resolves elsewhere
                    # now. Nothing was sent, and another attempt would be refused too.
                    raise DeliveryFailed(
                        f"the activation callback {url} was refused: {refused}"
                    ) from None
                except httpx.HTTPError as error:
                    last = f"{type(error).__name__}: {error}"
                LOG.warning(
                    "connection %s: config delivery attempt %d/%d to %s failed: %s",
                    connection.id,
                    attempt,
                    self.attempts,
                    url,
                    last,
                )
                if attempt < self.attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
        raise DeliveryFailed(
            f"the activation callback {url} did not take config version {snapshot.version} "
            f"after {self.attempts} attempts (last: {last})"
        )
