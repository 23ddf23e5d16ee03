"""What planning needs to know of a technology: its ``Needs``, declared by its module.

Plain data, so that the planner, the survey and the checks of a request know nothing
of the technologies themselves (georedflow/technologies/ declares one per module).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Needs:
    extensions: tuple[str, ...]  # Neutron extension aliases both sites must offer
    stretched: bool  # one CIDR split over both sites (L2), or a CIDR per site (L3)
    network_type: str | None = None  # provider:network_type of the link network
    # The identifier agreed between the sites, by its kind ("vlan", "vxlan", "gre"):
    # checked free on both sites (their networks of that type) and held; chosen from the
    # [planning] option ``ranges`` names (e.g. "vni_ranges").
    segmentation: str | None = None
    ranges: str | None = None
    max_segmentation_id: int | None = None  # a VLAN id is at most 4094
    physnet: str | None = None  # the site's physical_networks entry the link uses
    default_physnet: bool = False  # without that entry: [planning] dci_physnet
    route_targets: bool = False  # agreed route targets (BGP VPNs)
    external_network: bool = False  # routers on the site's external network
    pre_shared_key: bool = False  # a generated secret shared by both sides
    cell_only: bool = False  # joins two cells of one cloud and region

    def reserved_kinds(self) -> tuple[str, ...]:
        """What a plan holds: its CIDRs, its segmentation id, its route targets."""
        kinds = ["cidr"]
        if self.segmentation:
            kinds.append(self.segmentation)
        if self.route_targets:
            kinds.append("route_target")
        return tuple(kinds)
