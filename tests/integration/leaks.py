"""The georedflow resources on the lab's Neutrons, for the session's leak check.

A resource is georedflow's when its name starts with ``georedflow-`` (every kind
georedflow makes is named so, see ``georedflow.clouds.kinds``). The check asks
each Neutron directly with openstacksdk, as the lab's admin: admin lists every
project's resources, so what a member's test left behind is found too.
"""

from dataclasses import dataclass

import openstack

from georedflow.clouds.kinds import KINDS, PREFIX

LAB_CLOUDS = {"east": "lab-east", "west": "lab-west", "far": "lab-far"}


@dataclass(frozen=True, order=True)
class Leftover:
    site: str
    kind: str
    id: str
    name: str

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.id} {self.name}"


def georedflow_resources(clouds_yaml: str) -> set[Leftover]:
    """Every georedflow resource of every kind on the lab's east, west and far."""
    config = openstack.config.OpenStackConfig(config_files=[clouds_yaml])
    found: set[Leftover] = set()
    for site, cloud in LAB_CLOUDS.items():
        conn = openstack.connection.Connection(config=config.get_one(cloud=cloud))
        try:
            for kind, info in KINDS.items():
                # no ?name= filter: Neutron has no prefix match, and some kinds refuse it
                if info.rest:  # no proxy for it (networking-l2gw): its REST collection
                    listed = conn.network.get(f"/{info.rest}").json()[info.plural]
                else:
                    listed = [r.to_dict() for r in getattr(conn.network, info.plural)()]
                for resource in listed:
                    name = resource.get("name") or ""
                    if name.startswith(PREFIX + "-"):
                        found.add(Leftover(site, kind.value, resource["id"], name))
        finally:
            conn.close()
    return found
