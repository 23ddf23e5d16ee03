"""gre: one L2 segment, the same GRE key on both sides (the fabric stitches it between them)."""

from georedflow.planning.needs import Needs
from georedflow.technologies.base import StretchedNetwork


class Gre(StretchedNetwork):
    name = "gre"
    needs = Needs(
        extensions=("provider",),
        stretched=True,
        network_type="gre",
        segmentation="gre",
        ranges="gre_key_ranges",
    )
