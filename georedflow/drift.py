"""Drift: how one site differs from what georedflow recorded of a connection.

Read only. Each finding names the site, the resource and what is wrong, e.g.
``{"site": "east", "type": "subnet", "id": "…", "problem": "missing"}``. Used
by verify jobs and by the periodic audit alike.
"""

from typing import Any

from georedflow.clouds.driver import Resource, SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.roles import other
from georedflow.storage.models import Connection

Finding = dict[str, Any]

# What a repair replaces when it drifted in place; the rest can only be recreated if missing.
REPLACEABLE = frozenset({Kind.SITE_CONNECTION, Kind.BGPVPN})

# Recorded resource types that are not a Kind of their own: checked with their parent.
_ASSOCIATION = "bgpvpn_network_association"
_L2GW_CONNECTION = "l2_gateway_connection"


def _recorded(connection: Connection, role: str, kind: Kind) -> list[str]:
    return [r["id"] for r in connection.endpoint(role).resources if r["type"] == kind]


def _mismatches(found: Resource, wanted: dict[str, Any]) -> list[str]:
    return [
        f"{attr} is {found.get(attr)!r}, recorded {value!r}"
        for attr, value in wanted.items()
        if value is not None and found.get(attr) != value
    ]


def site_findings(
    connection: Connection, role: str, driver: SiteDriver, peer_driver: SiteDriver
) -> list[Finding]:
    """Everything recorded for ``role``'s side that is missing or has drifted."""
    plan = connection.plan
    findings: list[Finding] = []

    def note(kind: str, resource_id: str, problem: str) -> None:
        findings.append(
            {"site": driver.site, "role": role, "type": kind, "id": resource_id, "problem": problem}
        )

    expected = _expected_attributes(connection, role, peer_driver)
    for ref in connection.endpoint(role).resources:
        if ref["type"] in (_ASSOCIATION, _L2GW_CONNECTION):
            continue  # checked with its BGPVPN or its L2 gateway below
        kind = Kind(ref["type"])
        found = driver.get(kind, ref["id"])
        if found is None:
            note(kind, ref["id"], "missing")
            continue
        for problem in _mismatches(found, expected.get(kind, {})):
            note(kind, ref["id"], problem)
        if kind is Kind.QOS_POLICY and plan.get("bandwidth_mbps"):
            rates = [r.get("max_kbps") for r in found.get("rules") or []]
            wanted = plan["bandwidth_mbps"] * 1000
            if wanted not in rates:
                note(kind, ref["id"], f"bandwidth limits are {rates} kbps, recorded {wanted}")
        if kind is Kind.L2_GATEWAY:
            networks = _recorded(connection, role, Kind.NETWORK)
            joined = {
                c.get("network_id"): c.get("segmentation_id")
                for c in driver.l2_gateway_connections(ref["id"])
            }
            wanted_id = plan.get("segmentation_id")
            if networks and networks[0] not in joined:
                note(kind, ref["id"], f"network {networks[0]} is no longer connected")
            elif networks and str(joined[networks[0]]) != str(wanted_id):
                note(
                    kind,
                    ref["id"],
                    f"segmentation id is {joined[networks[0]]}, recorded {wanted_id}",
                )
        if kind is Kind.BGPVPN:
            networks = _recorded(connection, role, Kind.NETWORK)
            associated = [a.get("network_id") for a in driver.network_associations(ref["id"])]
            if networks and networks[0] not in associated:
                note(kind, ref["id"], f"network {networks[0]} is no longer associated")
    return findings


def _expected_attributes(
    connection: Connection, role: str, peer_driver: SiteDriver
) -> dict[Kind, dict[str, Any]]:
    plan = connection.plan
    qos = _recorded(connection, role, Kind.QOS_POLICY)
    # The agreed id is the link network's own only where the plan gives the network a type.
    stretched_id = plan.get("segmentation_id") if plan.get("network_type") else None
    expected: dict[Kind, dict[str, Any]] = {
        Kind.NETWORK: {
            "provider:segmentation_id": stretched_id,
            "qos_policy_id": qos[0] if qos else None,
        },
        Kind.SUBNET: {"cidr": plan.get(role, {}).get("cidr")},
        Kind.BGPVPN: {
            "route_targets": plan.get("route_targets") or None,
            # An l2 BGPVPN (evpn) carries the agreed id as its VNI; its network, no type.
            "vni": None if plan.get("network_type") else plan.get("segmentation_id"),
        },
    }
    peer_routers = _recorded(connection, other(role), Kind.ROUTER)
    if peer_routers:
        peer_router = peer_driver.get(Kind.ROUTER, peer_routers[0])
        fixed = ((peer_router or {}).get("external_gateway_info") or {}).get(
            "external_fixed_ips"
        ) or []
        expected[Kind.SITE_CONNECTION] = {"peer_address": fixed[0]["ip_address"] if fixed else None}
    return expected
