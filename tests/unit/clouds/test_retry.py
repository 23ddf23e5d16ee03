"""Transient cloud errors are retried with back-off; permanent ones fail at once."""

from types import SimpleNamespace
from typing import Any

import pytest
import requests
from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as os_exc

from georedflow import exceptions as exc
from georedflow import metrics
from georedflow.clouds.errors import translated
from georedflow.clouds.kinds import Kind
from georedflow.clouds.openstack import OpenStackDriver
from georedflow.clouds.retry import RetryPolicy

NO_WAIT = RetryPolicy(retries=3, max_delay=0.0, first_delay=0.0)


def _http(status: int, message: str = "boom") -> os_exc.HttpException:
    response = requests.Response()
    response.status_code = status
    return os_exc.HttpException(message=message, response=response)


class FakeNetwork:
    """openstacksdk's network proxy, as far as the driver's create and get use it."""

    def __init__(self, failures: list[Exception], lost: bool = False) -> None:
        self.failures = failures  # raised, in order, by the next POSTs
        self.lost = lost  # a failing POST still made the network (its answer was lost)
        self.made: dict[str, dict[str, Any]] = {}
        self.posts = 0

    def create_network(self, **attrs: Any) -> Any:
        self.posts += 1
        if self.failures:
            failure = self.failures.pop(0)
            if self.lost:
                self._make(attrs)
            raise failure
        return self._make(attrs)

    def _make(self, attrs: dict[str, Any]) -> Any:
        network = {"id": f"net-{len(self.made) + 1}", "tags": [], **attrs}
        self.made[network["id"]] = network
        return _Sdk(network)

    def networks(self, **filters: Any) -> list[Any]:
        return [
            _Sdk(n) for n in self.made.values() if all(n.get(k) == v for k, v in filters.items())
        ]

    def get_network(self, network_id: str) -> Any:
        return _Sdk(self.made[network_id])

    def put(self, path: str, json: dict[str, Any]) -> requests.Response:
        """Neutron's tag API: PUT /networks/{id}/tags."""
        network_id = path.split("/")[2]
        self.made[network_id]["tags"] = list(json["tags"])
        answer = requests.Response()
        answer.status_code = 200
        answer._content = b'{"tags": %s}' % str(json["tags"]).replace("'", '"').encode()
        return answer


class _Sdk(SimpleNamespace):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(**body)
        self._body = body

    def to_dict(self, **kwargs: Any) -> dict[str, Any]:
        return dict(self._body)


def _driver(network: FakeNetwork) -> OpenStackDriver:
    connection: Any = SimpleNamespace(network=network)
    return OpenStackDriver("east", connection, NO_WAIT)


def _retries(operation: str) -> float:
    return metrics.CLOUD_RETRIES.labels("east", operation)._value.get()


@pytest.mark.parametrize(
    "failure",
    [
        _http(503, "busy"),
        _http(502),
        _http(504),
        ks_exc.ConnectFailure("connection dropped"),
        ks_exc.ConnectTimeout("timed out"),
        _http(409, "Invalid state PENDING_UPDATE of vpnservice"),
    ],
    ids=["503", "502", "504", "dropped", "timeout", "pending-conflict"],
)
def test_a_transient_error_is_retried(failure: Exception) -> None:
    network = FakeNetwork([failure])
    before = _retries("create network")

    created = _driver(network).create(Kind.NETWORK, {"name": "georedflow-c-n", "tags": ["t"]})

    assert created["name"] == "georedflow-c-n"
    assert created["tags"] == ["t"]
    assert network.posts == 2
    assert _retries("create network") == before + 1


@pytest.mark.parametrize(
    "failure",
    [_http(500, "db error"), _http(400, "bad cidr"), _http(409, "VLAN 1000 in use"), _http(403)],
    ids=["500", "400", "409", "403"],
)
def test_a_permanent_error_fails_at_once_with_the_clouds_message(failure: Exception) -> None:
    network = FakeNetwork([failure])

    with pytest.raises(exc.CloudError) as raised:
        _driver(network).create(Kind.NETWORK, {"name": "georedflow-c-n"})

    assert network.posts == 1
    assert not raised.value.transient
    assert str(failure.message) in str(raised.value)  # type: ignore[attr-defined]


def test_a_create_whose_answer_was_lost_is_found_not_made_twice() -> None:
    network = FakeNetwork([ks_exc.ConnectFailure("answer lost")], lost=True)

    created = _driver(network).create(Kind.NETWORK, {"name": "georedflow-c-n", "tags": ["t"]})

    assert network.posts == 1, "the retry found the network the lost POST made"
    assert list(network.made) == [created["id"]]
    assert network.made[created["id"]]["tags"] == ["t"]


def test_retries_are_bounded() -> None:
    network = FakeNetwork([_http(503)] * 10)

    with pytest.raises(exc.CloudUnavailable):
        _driver(network).create(Kind.NETWORK, {"name": "georedflow-c-n"})

    assert network.posts == NO_WAIT.retries + 1


def test_a_call_inside_a_retried_call_does_not_retry_on_its_own() -> None:
    """create → set_tags: only the outer loop retries, so attempts do not multiply."""
    network = FakeNetwork([])
    failing_tags = [_http(503)] * 10

    def put(path: str, json: dict[str, Any]) -> requests.Response:
        raise failing_tags.pop(0)

    network.put = put  # type: ignore[method-assign]
    driver = _driver(network)
    with pytest.raises(exc.CloudUnavailable):
        driver.create(Kind.NETWORK, {"name": "georedflow-c-n", "tags": ["t"]})

    assert len(failing_tags) == 10 - (NO_WAIT.retries + 1)
    assert network.posts == 1, "later attempts found the network instead of posting again"


def test_a_wrong_endpoint_is_not_retried() -> None:
    with pytest.raises(exc.CloudUnreachable) as raised, translated("east", "list networks"):
        raise ks_exc.EndpointNotFound("no network endpoint in the catalog")
    assert not raised.value.transient
