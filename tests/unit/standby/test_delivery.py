import json

import pytest

from georedflow.delivery import ConfigDelivery
from georedflow.exceptions import DeliveryFailed
from georedflow.storage.models import ConfigSnapshot, Connection
from tests.receiver import Receiver

CONNECTION = Connection(id="c1")
SNAPSHOT = ConfigSnapshot(version=4, media_type="application/json", content='{"a": 1}')


def test_a_callback_that_fails_at_first_gets_the_config_on_a_retry() -> None:
    spare = Receiver(failures=2)
    ConfigDelivery(attempts=3, backoff=0.01).deliver(spare.url, CONNECTION, SNAPSHOT)

    received = spare.next(timeout=1)
    assert spare.attempts == 3
    assert json.loads(received.body) == {"a": 1}
    assert received.headers["content-type"] == "application/json"
    assert received.headers["x-georedflow-config-version"] == "4"
    assert received.headers["x-georedflow-connection"] == "c1"
    spare.close()


def test_a_callback_that_never_takes_it_fails_the_delivery_with_the_reason() -> None:
    spare = Receiver(failures=10)
    with pytest.raises(DeliveryFailed, match=r"after 2 attempts \(last: HTTP 503\)"):
        ConfigDelivery(attempts=2, backoff=0.01).deliver(spare.url, CONNECTION, SNAPSHOT)
    assert spare.attempts == 2
    spare.close()
