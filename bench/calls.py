"""Neutron requests per operation and site: what one create and one delete cost the clouds.

    make lab-up
    .venv/bin/python -m bench.calls [--technologies ipsec vxlan ...]

Runs each technology's create, then its delete, on an embedded georedflow against the
lab, and counts the requests each Neutron logged during the job (reads and writes
apart). A first attempt should make one write per resource and few reads: a find
before a create is needed only when a task runs again. Prints figures; asserts nothing.
"""

import argparse
import collections
import tempfile
from pathlib import Path
from typing import Any

from lab.client import clouds_yaml_path, control
from tests.integration.harness import Harness

CASES: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    # name: technology, local, remote, extra body
    "vlan": ("vlan", "east", "west", {}),
    "vxlan": ("vxlan", "east", "west", {}),
    "gre": ("gre", "east", "west", {}),
    "ipsec": ("ipsec", "east", "west", {}),
    # within [clouds] site_facts_max_age: the external networks are known
    "ipsec again": ("ipsec", "east", "west", {}),
    "bgpvpn": ("bgpvpn", "east", "west", {}),
    "segments": ("segments", "cell1", "cell2", {}),
    "vxlan hot": ("vxlan", "east", "west", {"mode": "hot", "options": {"bandwidth_mbps": 50}}),
}
NEUTRON_OF = {"east": "east", "west": "west", "cell1": "east", "cell2": "east"}


def counted(neutrons: set[str], since: dict[str, int]) -> dict[str, collections.Counter[str]]:
    """Per Neutron: requests since ``since``, as reads and writes."""
    counts = {}
    for name in neutrons:
        seen = control(name).requests(since=since[name])
        counts[name] = collections.Counter(
            "read" if r["method"] == "GET" else "write" for r in seen
        )
    return counts


def last_seqs(neutrons: set[str]) -> dict[str, int]:
    return {name: control(name).last_seq() for name in neutrons}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technologies", nargs="+", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        harness = Harness.start(Path(directory), str(clouds_yaml_path()))
        try:
            for case in args.technologies:
                technology, local, remote, extra = CASES[case]
                neutrons = {NEUTRON_OF[local], NEUTRON_OF[remote]}
                since = last_seqs(neutrons)
                accepted = harness.create(technology, local, remote, **extra)
                job = harness.wait(accepted["job"]["id"])
                assert job["state"] == "SUCCEEDED", job
                rows.append((case, "create", counted(neutrons, since)))
                since = last_seqs(neutrons)
                connection_id = accepted["connection"]["id"]
                deleted = harness.client.delete(f"/v1/connections/{connection_id}").json()
                assert harness.wait(deleted["job"]["id"])["state"] == "SUCCEEDED"
                rows.append((case, "delete", counted(neutrons, since)))
        finally:
            harness.close()
    print("Neutron requests per job, per Neutron (the lab's request log; cell1 and cell2")
    print("share the east Neutron, so a segments job counts both sites there)")
    heading = ("operation", "neutron", "requests", "reads", "writes")
    print("| {:<18} | {:<7} | {:>8} | {:>5} | {:>6} |".format(*heading))
    print(f"|{'-' * 20}|{'-' * 9}|{'-' * 10}|{'-' * 7}|{'-' * 8}|")
    for case, operation, counts in rows:
        for name, count in sorted(counts.items()):
            total = count["read"] + count["write"]
            print(
                f"| {case + ' ' + operation:<18} | {name:<7} | {total:>8} |"
                f" {count['read']:>5} | {count['write']:>6} |"
            )


if __name__ == "__main__":
    main()
