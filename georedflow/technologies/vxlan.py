"""vxlan: one L2 segment, the same VNI on both sides (the fabric stitches it between them)."""

from georedflow.planning.needs import Needs
from georedflow.technologies.base import StretchedNetwork


class Vxlan(StretchedNetwork):
    name = "vxlan"
    needs = Needs(
        extensions=("provider",),
        stretched=True,
        network_type="vxlan",
        segmentation="vxlan",
        ranges="vni_ranges",
    )
