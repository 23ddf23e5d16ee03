"""An EVPN joining two independent clouds: one L2 segment, the VNI and route target agreed.

Each side gets an l2 BGPVPN with the VNI and route target georedflow chose (checked
free on both sites and held for the connection), its network associated to it, and
its half of one stretched subnet.
"""

from common import client, ensure_sites, wait

with client() as api:
    ensure_sites(api, "east", "far")
    accepted = api.post(
        "/v1/connections",
        json={
            "name": "vnf-e-standby",
            "mode": "warm",
            "technology": "evpn",
            "local": {"site": "east"},
            "remote": {"site": "far"},
        },
    )
    accepted.raise_for_status()
    connection_id = accepted.json()["connection"]["id"]
    wait(api, accepted.json()["job"]["id"])
    shown = api.get(f"/v1/connections/{connection_id}").json()
    print(f"evpn east <-> far: {shown['state']}, scope {shown['scope']}")
    print(f"  one segment: {shown['local']['cidr'] == shown['remote']['cidr']}")
    print(f"  agreed: a VNI and {len(shown['parameters']['route_targets'])} route target")
    for role in ("local", "remote"):
        kinds = sorted(r["type"] for r in shown[role]["resources"])
        print(f"  {role} {shown[role]['site']}: {', '.join(kinds)}")
    wait(api, api.delete(f"/v1/connections/{connection_id}").json()["job"]["id"])
    gone = api.get(f"/v1/connections/{connection_id}").status_code == 404
    print(f"  deleted: {gone}")
