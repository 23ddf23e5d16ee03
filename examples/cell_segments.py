"""A routed network with a segment in each of two Nova cells of one cloud."""

from common import build_and_remove, client, ensure_sites

with client() as api:
    ensure_sites(api, "cell1", "cell2")
    build_and_remove(
        api,
        {
            "name": "vnf-d-standby",
            "mode": "warm",
            "technology": "segments",
            "local": {"site": "cell1"},
            "remote": {"site": "cell2"},
        },
    )
