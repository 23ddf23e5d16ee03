"""Choosing a connection's addresses and identifiers from what both sites already use.

Pure: the caller surveys the sites, reads the reservations and then holds what
this module chose. The plan is persisted with the flow, so it holds no secret.
"""

from typing import Any

from georedflow.exceptions import Conflict
from georedflow.planning import addresses, identifiers
from georedflow.planning.needs import Needs
from georedflow.planning.settings import PlanningSettings
from georedflow.roles import ROLES, other


def _check_free(cidr: str, role: str, taken: dict[str, list[str]]) -> None:
    network = addresses.parse_cidr(cidr, what=f"{role}.cidr")
    for where, cidrs in taken.items():
        clash = addresses.overlapping(network, [addresses.parse_cidr(c) for c in cidrs])
        if clash is not None:
            raise Conflict(f"{role}.cidr {cidr} overlaps {clash}, already used {where}")


def _plan_cidrs(
    info_stretched: bool,
    endpoints: dict[str, dict[str, Any]],
    surveys: dict[str, dict[str, Any]],
    reserved_cidrs: set[str],
    settings: PlanningSettings,
) -> dict[str, str]:
    on_site = {f"on site {endpoints[r]['site']}": list(surveys[r]["cidrs"]) for r in ROLES}
    everything = [c for cidrs in on_site.values() for c in cidrs] + sorted(reserved_cidrs)
    by_georedflow = {"by another georedflow connection": sorted(reserved_cidrs)}
    if info_stretched:
        # Named after the endpoint that asked for it: one CIDR, stretched over both.
        role = "local" if endpoints["local"].get("cidr") else "remote"
        requested = endpoints[role].get("cidr")
        if requested:
            _check_free(requested, role, {**on_site, **by_georedflow})
            cidr = requested
        else:
            (cidr,) = addresses.allocate(settings.cidr_pool, settings.cidr_prefix, everything)
        return {"local": cidr, "remote": cidr}
    chosen: dict[str, str] = {}
    for role in ROLES:
        requested = endpoints[role].get("cidr")
        if requested:
            peer = other(role)
            peer_side = {f"on site {endpoints[peer]['site']}": list(surveys[peer]["cidrs"])}
            _check_free(requested, role, {**peer_side, **by_georedflow})
            chosen[role] = requested
    for role in ROLES:
        if role not in chosen:
            taken = everything + list(chosen.values())
            (chosen[role],) = addresses.allocate(settings.cidr_pool, settings.cidr_prefix, taken)
    return chosen


def _plan_segmentation_id(
    network_type: str,
    ranges_option: tuple[str, ...],
    requested: int | None,
    endpoints: dict[str, dict[str, Any]],
    surveys: dict[str, dict[str, Any]],
    reserved: dict[str, set[str]],
) -> int:
    used_on = {
        role: {int(i) for i in surveys[role]["segmentation_ids"].get(network_type, [])}
        for role in ROLES
    }
    held = {int(v) for v in reserved.get(network_type, set())}
    if requested is not None:
        for role in ROLES:
            if requested in used_on[role]:
                raise Conflict(
                    f"options.segmentation_id {requested} is already a {network_type} id "
                    f"on {role}.site {endpoints[role]['site']}"
                )
        if requested in held:
            raise Conflict(
                f"options.segmentation_id {requested} is held by another georedflow connection"
            )
    ranges = identifiers.parse_ranges(ranges_option)
    return identifiers.choose(ranges, used_on["local"] | used_on["remote"] | held, requested)


def plan_connection(
    *,
    technology: str,
    needs: Needs,
    scope: str,
    options: dict[str, Any],
    endpoints: dict[str, dict[str, Any]],
    surveys: dict[str, dict[str, Any]],
    reserved: dict[str, set[str]],
    settings: PlanningSettings,
) -> dict[str, Any]:
    """The plan: per side CIDR, pool, physnet, external network; shared identifiers."""
    cidrs = _plan_cidrs(needs.stretched, endpoints, surveys, reserved.get("cidr", set()), settings)
    pools = addresses.split_pools(cidrs["local"]) if needs.stretched else (None, None)
    plan: dict[str, Any] = {
        "technology": technology,
        "scope": scope,
        "network_type": needs.network_type,
        "segmentation_id": None,
        "mtu": options.get("mtu"),
        "route_targets": [],
        "bandwidth_mbps": options.get("bandwidth_mbps"),  # hot standby: QoS on the link
    }
    for role, pool in zip(ROLES, pools, strict=True):
        physnets = endpoints[role].get("physical_networks") or {}
        physnet = physnets.get(needs.physnet) if needs.physnet else None
        if physnet is None and needs.default_physnet:
            physnet = settings.dci_physnet
        plan[role] = {
            "site": endpoints[role]["site"],
            "cidr": cidrs[role],
            "allocation_pool": pool,
            "physical_network": physnet,
            "external_network_id": surveys[role].get("external_network_id"),
        }
    if needs.segmentation:
        requested = options.get("segmentation_id")
        plan["segmentation_id"] = _plan_segmentation_id(
            needs.segmentation,
            tuple(getattr(settings, needs.ranges or "")),
            requested,
            endpoints,
            surveys,
            reserved,
        )
    if needs.route_targets:
        plan["route_targets"] = list(options.get("route_targets") or []) or [
            identifiers.next_route_target(
                settings.route_target_asn, reserved.get("route_target", set())
            )
        ]
    return plan


def reservations(plan: dict[str, Any], needs: Needs) -> list[tuple[str, str]]:
    """What the plan must hold so that no other connection is given the same."""
    held = {("cidr", plan[role]["cidr"]) for role in ROLES}
    if needs.segmentation and plan["segmentation_id"] is not None:
        held.add((needs.segmentation, str(plan["segmentation_id"])))
    held |= {("route_target", rt) for rt in plan["route_targets"]}
    return sorted(held)


def public_parameters(plan: dict[str, Any]) -> dict[str, Any]:
    """What the API shows of a plan."""
    shown = {
        "segmentation_id": plan["segmentation_id"],
        "network_type": plan["network_type"],
        "route_targets": plan["route_targets"],
        "mtu": plan["mtu"],
    }
    return {k: v for k, v in shown.items() if v not in (None, [])}
