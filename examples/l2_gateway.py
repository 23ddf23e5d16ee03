"""An L2 gateway joining two regions: each side's link network bridged onto the DCI VLAN.

Each site declares its gateway device and interface (``physical_networks.l2gw``, here
``tor1/eth1``); georedflow makes an L2 gateway on it for the connection and connects
the link network to it with the VLAN id it agreed between the sites.
"""

from common import build_and_remove, client, ensure_sites

with client() as api:
    ensure_sites(api, "east", "west")
    build_and_remove(
        api,
        {
            "name": "vnf-g-standby",
            "mode": "warm",
            "technology": "l2gw",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
    )
