"""vlan: one L2 segment over a DCI physnet trunked between the sites, the same VLAN id."""

from georedflow.planning.needs import Needs
from georedflow.technologies.base import StretchedNetwork


class Vlan(StretchedNetwork):
    name = "vlan"
    needs = Needs(
        extensions=("provider",),
        stretched=True,
        network_type="vlan",
        segmentation="vlan",
        ranges="vlan_ranges",
        max_segmentation_id=4094,
        physnet="dci",
        default_physnet=True,
    )
