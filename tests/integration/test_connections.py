"""Connections of every technology built, read and deleted against the lab."""

from typing import Any

import pytest

from tests.integration.harness import Harness

CASES = [
    ("vlan", "east", "west"),
    ("vxlan", "east", "west"),
    ("gre", "east", "west"),
    ("ipsec", "east", "west"),
    ("bgpvpn", "east", "west"),
    ("evpn", "east", "west"),
    ("evpn", "east", "far"),
    ("l2gw", "east", "far"),
    ("ipsec", "east", "far"),
    ("vxlan", "east", "far"),
    ("segments", "cell1", "cell2"),
]
SCOPES = {"west": "region", "far": "cloud", "cell2": "cell"}


def kinds(side: dict[str, Any]) -> list[str]:
    return sorted(r["type"] for r in side["resources"])


@pytest.mark.parametrize(("technology", "local", "remote"), CASES)
def test_create_read_delete(georedflow: Harness, technology: str, local: str, remote: str) -> None:
    accepted = georedflow.create(technology, local, remote)
    connection_id = accepted["connection"]["id"]
    assert accepted["job"]["kind"] == "create"

    job = georedflow.wait(accepted["job"]["id"])

    assert job["state"] == "SUCCEEDED", job["error"]
    assert job["progress"] == 1.0
    shown = georedflow.client.get(f"/v1/connections/{connection_id}").json()
    assert shown["state"] == "ACTIVE"
    assert shown["scope"] == SCOPES[remote]
    assert shown["local"]["network_id"] or shown["remote"]["network_id"]
    assert shown["local"]["subnet_id"] and shown["remote"]["subnet_id"]
    if technology in ("vlan", "vxlan", "gre"):
        assert shown["local"]["cidr"] == shown["remote"]["cidr"]
        assert shown["parameters"]["segmentation_id"] > 0
        assert kinds(shown["local"]) == kinds(shown["remote"]) == ["network", "subnet"]
    if technology == "ipsec":
        assert shown["local"]["cidr"] != shown["remote"]["cidr"]
        assert "vpn_ipsec_site_connection" in kinds(shown["local"])
        peer = georedflow.driver(local).get(
            "vpn_ipsec_site_connection",
            next(
                r["id"]
                for r in shown["local"]["resources"]
                if r["type"] == "vpn_ipsec_site_connection"
            ),
        )
        remote_router = georedflow.driver(remote).get("router", shown["remote"]["router_id"])
        gateway = remote_router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]
        assert peer["peer_address"] == gateway
        assert peer["status"] == "ACTIVE"
    if technology in ("bgpvpn", "evpn"):
        assert shown["parameters"]["route_targets"]
    if technology == "l2gw":
        assert shown["local"]["cidr"] == shown["remote"]["cidr"]
        assert 1 <= shown["parameters"]["segmentation_id"] <= 4094  # the DCI VLAN
        assert "l2_gateway_connection" in kinds(shown["local"])
        assert kinds(shown["local"]) == kinds(shown["remote"])
    if technology == "evpn":
        assert shown["local"]["cidr"] == shown["remote"]["cidr"]
        assert shown["parameters"]["segmentation_id"] > 0  # the VNI, the same on both sides
        assert kinds(shown["local"]) == kinds(shown["remote"])
        assert "bgpvpn_network_association" in kinds(shown["local"])
    assert georedflow.leftovers(connection_id, local, remote) != {local: [], remote: []}

    deleting = georedflow.client.delete(f"/v1/connections/{connection_id}")
    assert deleting.status_code == 202
    deleted = georedflow.wait(deleting.json()["job"]["id"])

    assert deleted["state"] == "SUCCEEDED", deleted["error"]
    assert georedflow.client.get(f"/v1/connections/{connection_id}").status_code == 404
    assert georedflow.leftovers(connection_id, local, remote) == {local: [], remote: []}


def test_the_two_sites_are_built_in_parallel(georedflow: Harness) -> None:
    accepted = georedflow.create("ipsec", "east", "west")
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]

    def span(role: str) -> tuple[str, str]:
        tasks = [
            t
            for t in job["tasks"]
            if t["name"].endswith(f"-{role}")
            and t["name"].split("-")[0]
            in (
                "CreateNetwork",
                "CreateSubnet",
                "CreateRouter",
                "AttachRouterInterface",
                "CreateIkePolicy",
                "CreateIpsecPolicy",
                "CreateVpnService",
                "CreateSubnetEndpointGroup",
                "CreatePeerEndpointGroup",
            )
        ]
        return min(t["started_at"] for t in tasks), max(t["finished_at"] for t in tasks)

    (local_start, local_end), (remote_start, remote_end) = span("local"), span("remote")
    # Each site's build starts before the other site's build has finished.
    assert local_start < remote_end
    assert remote_start < local_end
    georedflow.wait(
        georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}").json()["job"][
            "id"
        ]
    )


def test_a_first_ipsec_create_asks_each_site_only_what_it_cannot_know(
    georedflow: Harness, lab: dict[str, Any]
) -> None:
    """Its pre-flight reads each site once; its flow then only writes and waits for the
    VPN: no find before a create, no second survey, no read-back of what it made."""
    since = {site: lab[site].last_seq() for site in ("east", "west")}
    accepted = georedflow.create("ipsec", "east", "west")
    job = georedflow.wait(accepted["job"]["id"])
    assert job["state"] == "SUCCEEDED", job["error"]
    shown = georedflow.client.get(f"/v1/connections/{accepted['connection']['id']}").json()

    for site, role in (("east", "local"), ("west", "remote")):
        seen = lab[site].requests(since=since[site])
        first_write = next(i for i, r in enumerate(seen) if r["method"] != "GET")
        survey = [r["path"] for r in seen[:first_write]]
        assert len(survey) == len(set(survey)), survey  # each read once
        assert "/v2.0/subnets" in survey  # the pre-flight looked for the CIDRs in use
        build = seen[first_write:]
        reads = [r["path"] for r in build if r["method"] == "GET"]
        assert reads and all(p.startswith("/v2.0/vpn/ipsec-site-connections/") for p in reads)
        posts = [r for r in build if r["method"] == "POST"]
        assert len(posts) == len(shown[role]["resources"])  # one create per resource
    georedflow.wait(
        georedflow.client.delete(f"/v1/connections/{accepted['connection']['id']}").json()["job"][
            "id"
        ]
    )
