"""An IPsec VPN between two independent clouds; the pre-shared key never leaves georedflow."""

from common import build_and_remove, client, ensure_sites

with client() as api:
    ensure_sites(api, "east", "far")
    build_and_remove(
        api,
        {
            "name": "vnf-b-standby",
            "mode": "hot",
            "technology": "ipsec",
            "options": {"bandwidth_mbps": 500},
            "local": {"site": "east", "cidr": "10.250.1.0/24"},
            "remote": {"site": "far", "cidr": "10.250.2.0/24"},
        },
    )
