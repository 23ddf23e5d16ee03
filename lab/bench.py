"""What a Neutron write costs in the lab: ``python3 -m lab bench [N] [NEUTRON]``.

Creates N networks, each with a subnet, one after the other on one lab Neutron
(default east), deletes them again, and prints the server-side time of each
kind of request taken from the lab's request log (``duration_ms``: from the
middleware receiving the request to the application returning, so client and
HTTP overheads are left out). Standard library only, like the rest of lab/.
"""

import statistics
import time

import lab
from lab import manage
from lab.client import LabControl

PREFIX = "lab-bench-"


def _measure(neutron, count):
    spec = lab.NEUTRONS[neutron]
    base = lab.neutron_url(neutron) + "/v2.0"
    token = manage.admin_token(spec["keystone"])
    control = LabControl(lab.neutron_url(neutron))
    since = control.last_seq()
    t0 = time.monotonic()
    made = []
    for i in range(count):
        status, payload, _ = manage._http(
            "POST", base + "/networks", {"network": {"name": f"{PREFIX}{i}"}}, token
        )
        network = manage._ok(status, payload, "create network")["network"]["id"]
        body = {
            "subnet": {
                "name": f"{PREFIX}{i}",
                "network_id": network,
                "ip_version": 4,
                "cidr": f"10.199.{i % 256}.0/24",
            }
        }
        status, payload, _ = manage._http("POST", base + "/subnets", body, token)
        subnet = manage._ok(status, payload, "create subnet")["subnet"]["id"]
        made.append((network, subnet))
    for network, subnet in made:
        # the subnet first, so that the two deletes are measured apart
        manage._ok(*manage._http("DELETE", f"{base}/subnets/{subnet}", token=token)[:2], "delete")
        manage._ok(*manage._http("DELETE", f"{base}/networks/{network}", token=token)[:2], "delete")
    wall = time.monotonic() - t0
    return wall, control.requests(since=since)


def _kind(record):
    path = record["path"].removeprefix("/v2.0/")
    resource = path.split("/", 1)[0]
    return f"{record['method']} {resource}"


def main(args):
    count = int(args[0]) if args else 50
    neutron = args[1] if len(args) > 1 else "east"
    wall, records = _measure(neutron, count)
    by_kind = {}
    for record in records:
        if record["method"] in ("POST", "DELETE"):
            by_kind.setdefault(_kind(record), []).append(record["duration_ms"])
    print(f"lab bench: {count} network+subnet creates and deletes on neutron-{neutron}")
    print(f"{'request':<18} {'n':>4} {'median ms':>10} {'mean ms':>9} {'max ms':>8}")
    for kind, values in sorted(by_kind.items()):
        print(
            f"{kind:<18} {len(values):>4} {statistics.median(values):>10.1f}"
            f" {statistics.mean(values):>9.1f} {max(values):>8.1f}"
        )
    total = sum(sum(v) for v in by_kind.values())
    print(f"server time of the writes: {total / 1000:.2f} s; wall clock: {wall:.2f} s")
    return 0
