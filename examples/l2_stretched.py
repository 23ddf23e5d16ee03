"""A VXLAN segment stretched between two regions: one CIDR, each side half of its pool."""

from common import build_and_remove, client, ensure_sites

with client() as api:
    ensure_sites(api, "east", "west")
    build_and_remove(
        api,
        {
            "name": "vnf-a-standby",
            "mode": "warm",
            "technology": "vxlan",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
    )
