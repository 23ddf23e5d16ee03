from georedflow import drift, technologies
from georedflow.clouds.kinds import Kind
from georedflow.storage.models import Connection, Endpoint, Site
from tests.unit.fakes import FakeDriver


def built(driver: FakeDriver, peer: FakeDriver) -> Connection:
    """A hot vxlan connection as recorded after a build on two fake sites."""
    connection = Connection(
        id="c1",
        technology="vxlan",
        mode="hot",
        plan={
            "segmentation_id": 1001,
            "bandwidth_mbps": 100,
            "route_targets": [],
            "local": {"cidr": "10.0.0.0/24"},
            "remote": {"cidr": "10.0.0.0/24"},
        },
    )
    for role, fake in (("local", driver), ("remote", peer)):
        policy = fake.create(Kind.QOS_POLICY, {"name": "q"})
        fake.ensure_bandwidth_limit(policy["id"], 100_000)
        network = fake.create(
            Kind.NETWORK,
            {"name": "n", "provider:segmentation_id": 1001, "qos_policy_id": policy["id"]},
        )
        subnet = fake.create(Kind.SUBNET, {"name": "s", "cidr": "10.0.0.0/24"})
        connection.endpoints.append(
            Endpoint(
                role=role,
                site=Site(name=fake.site),
                resources=[
                    {"type": "network", "id": network["id"]},
                    {"type": "subnet", "id": subnet["id"]},
                    {"type": "qos_policy", "id": policy["id"]},
                ],
            )
        )
    return connection


VXLAN = technologies.get("vxlan").drift_checks()


def test_a_site_as_recorded_has_no_findings() -> None:
    east, west = FakeDriver("east"), FakeDriver("west")
    connection = built(east, west)
    assert drift.site_findings(connection, "local", east, west, VXLAN) == []
    assert drift.site_findings(connection, "remote", west, east, VXLAN) == []


def test_missing_and_changed_resources_are_named() -> None:
    east, west = FakeDriver("east"), FakeDriver("west")
    connection = built(east, west)
    refs = {r["type"]: r["id"] for r in connection.endpoints[0].resources}
    east.delete(Kind.SUBNET, refs["subnet"])
    east.update(Kind.NETWORK, refs["network"], {"qos_policy_id": None})
    east.ensure_bandwidth_limit(refs["qos_policy"], 5_000)

    findings = drift.site_findings(connection, "local", east, west, VXLAN)

    assert [(f["site"], f["type"], f["problem"]) for f in findings] == [
        ("east", "network", f"qos_policy_id is None, recorded '{refs['qos_policy']}'"),
        ("east", "subnet", "missing"),
        ("east", "qos_policy", "bandwidth limits are [5000] kbps, recorded 100000"),
    ]
    assert drift.site_findings(connection, "remote", west, east, VXLAN) == []


def test_a_technologys_own_check_sees_its_resources_and_a_gone_one_is_missing() -> None:
    east, west = FakeDriver("east"), FakeDriver("west")
    connection = built(east, west)
    refs = {r["type"]: r["id"] for r in connection.endpoints[0].resources}
    seen = []

    def subnet_check(side: drift.Side, found: dict) -> list[str]:
        seen.append((side.role, found["id"], side.recorded(Kind.NETWORK, peer=True)))
        return ["looked at"]

    checks = (drift.Check(Kind.SUBNET, subnet_check, replace=True),)
    findings = drift.site_findings(connection, "local", east, west, checks)

    peer_network = [r["id"] for r in connection.endpoints[1].resources if r["type"] == "network"]
    assert seen == [("local", refs["subnet"], peer_network)]
    assert [(f["type"], f["problem"]) for f in findings] == [("subnet", "looked at")]
    assert drift.replaceable(checks) == {Kind.SUBNET}
    east.delete(Kind.SUBNET, refs["subnet"])
    assert [f["problem"] for f in drift.site_findings(connection, "local", east, west, checks)] == [
        "missing"
    ]


def test_each_technology_checks_what_it_replaces_in_place() -> None:
    replaced = {
        name: drift.replaceable(technologies.get(name).drift_checks())
        for name in ("ipsec", "bgpvpn", "evpn", "vxlan")
    }
    assert replaced == {
        "ipsec": {Kind.SITE_CONNECTION},
        "bgpvpn": {Kind.BGPVPN},
        "evpn": {Kind.BGPVPN},
        "vxlan": set(),
    }
