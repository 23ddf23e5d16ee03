"""A BGP VPN joining two regions with a route target georedflow allocates.

A cold standby is only reserved at create; ``prebuild`` builds its link at once.
"""

from common import build_and_remove, client, ensure_sites

with client() as api:
    ensure_sites(api, "east", "west")
    build_and_remove(
        api,
        {
            "name": "vnf-c-standby",
            "mode": "cold",
            "technology": "bgpvpn",
            "local": {"site": "east"},
            "remote": {"site": "west"},
            "options": {"prebuild": True},
        },
    )
