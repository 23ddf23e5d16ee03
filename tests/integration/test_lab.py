"""The lab itself: real Keystone password auth, three Neutrons, fault injection
(an HTTP status, a dropped request, an answer lost after Neutron did the work)."""

import secrets
from typing import Any

import openstack
import pytest
from keystoneauth1 import exceptions as ks_exc
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


def _west(lab_clouds: str) -> openstack.connection.Connection:
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    return openstack.connection.Connection(config=config.get_one(cloud="lab-west"))


def _named(conn: openstack.connection.Connection, name: str) -> list[Any]:
    return list(conn.network.networks(name=name))


def test_a_dropped_request_gets_no_answer_and_never_reaches_neutron(
    lab_clouds: str, lab: dict[str, Any]
) -> None:
    conn = _west(lab_clouds)
    name = f"lab-test-drop-{secrets.token_hex(4)}"
    since = lab["west"].last_seq()
    fault = lab["west"].drop("POST", r"^/v2.0/networks$")

    with pytest.raises(ks_exc.ConnectionError) as dropped:
        conn.network.create_network(name=name)

    assert "RemoteDisconnected" in str(dropped.value)
    assert _named(conn, name) == []
    posts = [r for r in lab["west"].requests(since=since) if r["method"] == "POST"]
    assert [(r["fault"], r["fault_id"], r["status"]) for r in posts] == [("drop", fault["id"], 0)]
    assert "neutron_status" not in posts[0]


def test_a_lost_answer_leaves_what_neutron_made(lab_clouds: str, lab: dict[str, Any]) -> None:
    conn = _west(lab_clouds)
    name = f"lab-test-lost-{secrets.token_hex(4)}"
    since = lab["west"].last_seq()
    fault = lab["west"].lose_answer("POST", r"^/v2.0/networks$")

    try:
        with pytest.raises(ks_exc.ConnectionError) as lost:
            conn.network.create_network(name=name)
        made = _named(conn, name)
    finally:
        for network in _named(conn, name):
            conn.network.delete_network(network)

    assert "RemoteDisconnected" in str(lost.value)
    assert len(made) == 1 and made[0].status == "ACTIVE"
    posts = [r for r in lab["west"].requests(since=since) if r["method"] == "POST"]
    assert [(r["fault"], r["fault_id"], r["status"]) for r in posts] == [("lost", fault["id"], 0)]
    assert posts[0]["neutron_status"] == 201


def test_faults_of_every_action_fire_in_turn(lab_clouds: str, lab: dict[str, Any]) -> None:
    """One fault per action on the same path: each fires once, then requests pass."""
    conn = _west(lab_clouds)
    name = f"lab-test-turns-{secrets.token_hex(4)}"
    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=409, nth=1)
    lab["west"].arm_fault("POST", r"^/v2.0/networks$", nth=2, action="drop")

    try:
        with pytest.raises(os_exc.ConflictException):
            conn.network.create_network(name=name)
        with pytest.raises(ks_exc.ConnectionError):
            conn.network.create_network(name=name)
        conn.network.create_network(name=name)
        made = _named(conn, name)
    finally:
        for network in _named(conn, name):
            conn.network.delete_network(network)

    assert len(made) == 1
    assert lab["west"].faults() == []  # both spent


def test_an_each_fault_fails_every_distinct_request_once(
    lab_clouds: str, lab: dict[str, Any]
) -> None:
    """``each``: the first of every distinct request fails; the same one again passes."""
    conn = _west(lab_clouds)
    names = [f"lab-test-each-{i}-{secrets.token_hex(4)}" for i in range(2)]
    since = lab["west"].last_seq()
    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=503, count=None, each=True)

    made = []
    try:
        for name in names:
            with pytest.raises(os_exc.HttpException) as refused:
                conn.network.create_network(name=name)
            assert refused.value.status_code == 503
            made.append(conn.network.create_network(name=name))  # its retry goes through
        (fault,) = lab["west"].faults()
    finally:
        lab["west"].disarm_faults()
        for network in made:
            conn.network.delete_network(network)

    posts = [r for r in lab["west"].requests(since=since) if r["method"] == "POST"]
    assert [r["status"] for r in posts] == [503, 201, 503, 201]
    assert (fault["each"], fault["fired"], fault["armed"]) == (True, 2, True)
