"""Deleting a connection: both sites in parallel, dependants first, then the record."""

from taskflow.flow import Flow
from taskflow.patterns import linear_flow, unordered_flow

from georedflow.clouds.kinds import DELETE_ORDER, Kind
from georedflow.tasks.base import SiteTask
from georedflow.tasks.connection import ForgetConnection, mark_deleting
from georedflow.tasks.delete import DeleteOwned, DetachRouterInterfaces
from georedflow.technologies import Technology

_LINK_KINDS: dict[Technology, set[Kind]] = {
    Technology.VLAN: {Kind.SUBNET, Kind.NETWORK},
    Technology.VXLAN: {Kind.SUBNET, Kind.NETWORK},
    Technology.GRE: {Kind.SUBNET, Kind.NETWORK},
    Technology.IPSEC: {
        Kind.SITE_CONNECTION,
        Kind.ENDPOINT_GROUP,
        Kind.VPN_SERVICE,
        Kind.IPSEC_POLICY,
        Kind.IKE_POLICY,
        Kind.ROUTER,
        Kind.SUBNET,
        Kind.NETWORK,
    },
    Technology.BGPVPN: {Kind.BGPVPN, Kind.SUBNET, Kind.NETWORK},
    Technology.SEGMENTS: {Kind.SUBNET, Kind.SEGMENT, Kind.NETWORK},
}
# Any link network may carry a hot standby's QoS policy (deleted after the network).
_KINDS = {tech: kinds | {Kind.QOS_POLICY} for tech, kinds in _LINK_KINDS.items()}


def _site_flow(technology: Technology, role: str) -> Flow:
    tasks: list[SiteTask] = []
    for kind in DELETE_ORDER:
        if kind not in _KINDS[technology]:
            continue
        if kind is Kind.ROUTER:
            tasks.append(DetachRouterInterfaces(role))
        tasks.append(DeleteOwned(role, kind))
    return linear_flow.Flow(f"{role}-site").add(*tasks)


def build_delete_flow(technology: str) -> Flow:
    tech = Technology(technology)
    local, remote = _site_flow(tech, "local"), _site_flow(tech, "remote")
    # Segments share one network: the remote cell's segment goes before the network.
    sites = (
        linear_flow.Flow("sites").add(remote, local)
        if tech is Technology.SEGMENTS
        else unordered_flow.Flow("sites").add(local, remote)
    )
    return linear_flow.Flow(f"delete-{tech}").add(mark_deleting(), sites, ForgetConnection())
