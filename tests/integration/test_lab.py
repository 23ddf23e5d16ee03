"""The lab itself: real Keystone password auth, three Neutrons, fault injection."""

from typing import Any

import openstack
import pytest
from openstack import exceptions as os_exc


@pytest.mark.parametrize("cloud", ["lab-east", "lab-west", "lab-far"])
def test_create_and_delete_a_network_with_keystone_auth(lab_clouds: str, cloud: str) -> None:
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    conn = openstack.connection.Connection(config=config.get_one(cloud=cloud))
    assert conn.authorize()  # a real Keystone token

    network = conn.network.create_network(name=f"lab-test-{cloud}")
    try:
        assert conn.network.get_network(network.id).status == "ACTIVE"
    finally:
        conn.network.delete_network(network)
    with pytest.raises(os_exc.NotFoundException):
        conn.network.get_network(network.id)


def test_regions_and_clouds_are_separate_neutrons(lab_clouds: str) -> None:
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    endpoints = {
        cloud: openstack.connection.Connection(
            config=config.get_one(cloud=cloud)
        ).network.get_endpoint()
        for cloud in ("lab-east", "lab-west", "lab-far")
    }

    assert len(set(endpoints.values())) == 3


def test_an_armed_fault_fails_the_next_matching_call(lab_clouds: str, lab: dict[str, Any]) -> None:
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    conn = openstack.connection.Connection(config=config.get_one(cloud="lab-west"))
    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=503, message="armed by test")

    with pytest.raises(os_exc.HttpException) as refused:
        conn.network.create_network(name="lab-test-fault")
    network = conn.network.create_network(name="lab-test-fault")  # the fault fired once
    conn.network.delete_network(network)

    assert refused.value.status_code == 503
    seen = [r for r in lab["west"].requests() if r["path"] == "/v2.0/networks"]
    assert [r["status"] for r in seen[-2:]] == [503, 201]
