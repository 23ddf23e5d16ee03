"""The Neutron resource kinds georedflow makes, and how each is named and marked as ours.

Every resource georedflow creates is named ``georedflow-<connection id>-<step>`` and,
where Neutron supports tags on the kind, tagged ``georedflow``,
``georedflow:conn=<connection id>`` and ``georedflow:step=<step>``. The name lets a
retried or resumed task find what it already made; the tags let an operator (and the
delete flow) find everything a connection owns.
"""

from dataclasses import dataclass
from enum import StrEnum

PREFIX = "georedflow"


class Kind(StrEnum):
    """Resource kinds, spelled as openstacksdk's network proxy spells them."""

    NETWORK = "network"
    SUBNET = "subnet"
    SEGMENT = "segment"
    ROUTER = "router"
    IKE_POLICY = "vpn_ike_policy"
    IPSEC_POLICY = "vpn_ipsec_policy"
    VPN_SERVICE = "vpn_service"
    ENDPOINT_GROUP = "vpn_endpoint_group"
    SITE_CONNECTION = "vpn_ipsec_site_connection"
    BGPVPN = "bgpvpn"
    QOS_POLICY = "qos_policy"
    L2_GATEWAY = "l2_gateway"


@dataclass(frozen=True)
class KindInfo:
    plural: str  # the proxy's list method
    taggable: bool
    name_filter: bool = True  # False: Neutron refuses ?name=, so filter here
    tags_path: str = ""  # the collection Neutron's tag API names, for a taggable kind
    quota: str | None = None  # its resource in Neutron's quota details (None: no quota)
    # The REST collection, for a kind openstacksdk has no proxy methods for (its member
    # is the singular of ``plural``); empty: the proxy's create_<kind>, get_<kind>...
    rest: str = ""


KINDS: dict[Kind, KindInfo] = {
    Kind.NETWORK: KindInfo("networks", taggable=True, tags_path="networks", quota="network"),
    Kind.SUBNET: KindInfo("subnets", taggable=True, tags_path="subnets", quota="subnet"),
    Kind.SEGMENT: KindInfo("segments", taggable=False),
    Kind.ROUTER: KindInfo("routers", taggable=True, tags_path="routers", quota="router"),
    Kind.IKE_POLICY: KindInfo("vpn_ike_policies", taggable=False, quota="ikepolicy"),
    Kind.IPSEC_POLICY: KindInfo("vpn_ipsec_policies", taggable=False, quota="ipsecpolicy"),
    Kind.VPN_SERVICE: KindInfo("vpn_services", taggable=False, quota="vpnservice"),
    Kind.ENDPOINT_GROUP: KindInfo("vpn_endpoint_groups", taggable=False, quota="endpoint_group"),
    Kind.SITE_CONNECTION: KindInfo(
        "vpn_ipsec_site_connections", taggable=False, quota="ipsec_site_connection"
    ),
    Kind.BGPVPN: KindInfo("bgpvpns", taggable=False, name_filter=False, quota="bgpvpn"),
    Kind.QOS_POLICY: KindInfo("qos_policies", taggable=True, tags_path="policies"),
    Kind.L2_GATEWAY: KindInfo("l2_gateways", taggable=False, rest="l2-gateways"),
}

# The order in which a connection's resources can be deleted: dependants first.
DELETE_ORDER: tuple[Kind, ...] = (
    Kind.SITE_CONNECTION,
    Kind.ENDPOINT_GROUP,
    Kind.VPN_SERVICE,
    Kind.IPSEC_POLICY,
    Kind.IKE_POLICY,
    Kind.BGPVPN,
    Kind.L2_GATEWAY,  # after its connections are removed (tasks/delete.py)
    Kind.ROUTER,
    Kind.SUBNET,
    Kind.SEGMENT,
    Kind.NETWORK,
    Kind.QOS_POLICY,
)


def resource_name(connection_id: str, step: str) -> str:
    return f"{PREFIX}-{connection_id}-{step}"


def owner_prefix(connection_id: str) -> str:
    return f"{PREFIX}-{connection_id}-"


def tags(connection_id: str, step: str) -> list[str]:
    return [PREFIX, f"{PREFIX}:conn={connection_id}", f"{PREFIX}:step={step}"]


def is_owned_by(resource: dict[str, object], connection_id: str) -> bool:
    name = resource.get("name")
    return isinstance(name, str) and name.startswith(owner_prefix(connection_id))
