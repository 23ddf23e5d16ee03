"""What each technology needs and how its addresses are planned."""

from dataclasses import dataclass
from enum import StrEnum


class Technology(StrEnum):
    VLAN = "vlan"
    VXLAN = "vxlan"
    GRE = "gre"
    IPSEC = "ipsec"
    BGPVPN = "bgpvpn"
    SEGMENTS = "segments"


@dataclass(frozen=True)
class TechnologyInfo:
    extensions: tuple[str, ...]  # Neutron extension aliases both sites must offer
    stretched: bool  # one CIDR split over both sites (L2) or a CIDR per site (L3)
    network_type: str | None  # provider:network_type of the link network
    cell_only: bool = False


TECHNOLOGIES: dict[Technology, TechnologyInfo] = {
    Technology.VLAN: TechnologyInfo(("provider",), stretched=True, network_type="vlan"),
    Technology.VXLAN: TechnologyInfo(("provider",), stretched=True, network_type="vxlan"),
    Technology.GRE: TechnologyInfo(("provider",), stretched=True, network_type="gre"),
    Technology.IPSEC: TechnologyInfo(
        ("router", "external-net", "vpnaas"), stretched=False, network_type=None
    ),
    Technology.BGPVPN: TechnologyInfo(("bgpvpn",), stretched=False, network_type=None),
    Technology.SEGMENTS: TechnologyInfo(
        ("segment", "provider"), stretched=False, network_type="vlan", cell_only=True
    ),
}
