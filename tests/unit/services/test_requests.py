"""The API's create body becomes the services' request with the same values, and a retried
request (an Idempotency-Key) is recognised by its digest."""

from georedflow.api.schemas import ConnectionCreate
from georedflow.services.requests import ConnectionOptions, ConnectionRequest, EndpointRequest

BODY = {
    "name": "vnf-a",
    "mode": "hot",
    "technology": "bgpvpn",
    "local": {"site": "east", "cidr": "10.1.0.0/24"},
    "remote": {"candidates": ["west", "far"], "prefer": ["far"], "affinity": "other_cloud"},
    "options": {"bandwidth_mbps": 100, "route_targets": ["64512:1"], "auto_failover": True},
}


def test_the_body_becomes_the_request_with_the_same_values() -> None:
    request = ConnectionCreate.model_validate(BODY).request()

    assert request == ConnectionRequest(
        name="vnf-a",
        mode="hot",
        technology="bgpvpn",
        local=EndpointRequest(site="east", cidr="10.1.0.0/24"),
        remote=EndpointRequest(candidates=("west", "far"), prefer=("far",), affinity="other_cloud"),
        options=ConnectionOptions(
            bandwidth_mbps=100, route_targets=("64512:1",), auto_failover=True
        ),
    )
    assert request.options.stored() == {
        "bandwidth_mbps": 100,
        "route_targets": ["64512:1"],
        "auto_failover": True,
    }


def test_the_digest_is_the_same_for_the_same_request_and_differs_for_another() -> None:
    first = ConnectionCreate.model_validate(BODY).request()
    spelled_out = ConnectionCreate.model_validate(
        {
            **BODY,
            "local": {**BODY["local"], "cell": None},
            "options": {**BODY["options"], "mtu": None},
        }
    ).request()
    other = ConnectionCreate.model_validate({**BODY, "name": "vnf-b"}).request()

    assert first.digest() == spelled_out.digest()  # a field left out or given as null
    assert first.digest() != other.digest()
    assert len(first.digest()) == 64
