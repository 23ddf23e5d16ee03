"""The scope of a pair of sites: cell, region or cloud."""

from collections.abc import Callable

from georedflow.exceptions import InvalidInput


def derive_scope(
    local: tuple[str, str | None, str | None],
    remote: tuple[str, str | None, str | None],
    auth_url: Callable[[str, str | None], str | None],
) -> str:
    """``cell``, ``region`` or ``cloud`` for two (cloud, region, cell) triples.

    Same cloud and region with different cells share Neutron (cell); the same
    Keystone with different regions is a region pair; anything else is two clouds.
    """
    (l_cloud, l_region, l_cell), (r_cloud, r_region, r_cell) = local, remote
    if l_cloud == r_cloud and l_region == r_region:
        if l_cell and r_cell and l_cell != r_cell:
            return "cell"
        raise InvalidInput(
            "both endpoints are the same cloud and region: give each a different cell "
            "for a cell-scope connection"
        )
    l_url, r_url = auth_url(l_cloud, l_region), auth_url(r_cloud, r_region)
    if l_url and l_url == r_url and l_region != r_region:
        return "region"
    return "cloud"
