import json

import httpx
import pytest

from georedflow.config_delivery import ConfigDelivery
from georedflow.exceptions import DeliveryFailed
from georedflow.notifications.destinations import Destinations, parse_networks
from georedflow.storage.models import ConfigSnapshot, Connection
from tests.receiver import Receiver
from tests.redirector import Redirector

CONNECTION = Connection(id="c1")
SNAPSHOT = ConfigSnapshot(version=4, media_type="application/json", content='{"a": 1}')
LOOPBACK = Destinations(parse_networks(["127.0.0.0/8"]))  # the test spares listen there


def test_a_callback_that_fails_at_first_gets_the_config_on_a_retry() -> None:
    spare = Receiver(failures=2)
    ConfigDelivery(attempts=3, backoff=0.01, destinations=LOOPBACK).deliver(
        spare.url, CONNECTION, SNAPSHOT, epoch=2
    )

    received = spare.next(timeout=1)
    assert spare.attempts == 3
    assert json.loads(received.body) == {"a": 1}
    assert received.headers["content-type"] == "application/json"
    assert received.headers["x-georedflow-config-version"] == "4"
    assert received.headers["x-georedflow-connection"] == "c1"
    assert received.headers["x-georedflow-epoch"] == "2"  # the fencing token it will hold
    spare.close()


def test_a_callback_that_never_takes_it_fails_the_delivery_with_the_reason() -> None:
    spare = Receiver(failures=10)
    with pytest.raises(DeliveryFailed, match=r"after 2 attempts \(last: HTTP 503\)"):
        ConfigDelivery(attempts=2, backoff=0.01, destinations=LOOPBACK).deliver(
            spare.url, CONNECTION, SNAPSHOT, epoch=2
        )
    assert spare.attempts == 2
    spare.close()


def test_a_callback_that_resolves_internally_when_sent_fails_at_once() -> None:
    """Checked at create, rebound since: no attempt reaches it, the reason is given."""
    spare = Receiver()
    port = httpx.URL(spare.url).port
    rebound = Destinations(resolver=lambda _host, _port: ["127.0.0.1"])

    with pytest.raises(
        DeliveryFailed, match=r"was refused: spare\.test resolves to 127\.0\.0\.1 is a loopback"
    ):
        ConfigDelivery(attempts=3, backoff=0.01, destinations=rebound).deliver(
            f"http://spare.test:{port}/config", CONNECTION, SNAPSHOT, epoch=2
        )
    assert spare.attempts == 0
    spare.close()


def test_a_redirect_is_not_followed() -> None:
    spare = Receiver()
    redirector = Redirector(spare.url)

    with pytest.raises(DeliveryFailed, match=r"last: HTTP 307"):
        ConfigDelivery(attempts=2, backoff=0.01, destinations=LOOPBACK).deliver(
            redirector.url, CONNECTION, SNAPSHOT, epoch=2
        )
    assert spare.attempts == 0
    redirector.close()
    spare.close()
