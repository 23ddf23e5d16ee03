"""The driver interface tasks use to reach one site's Neutron.

Small on purpose: generic create/find/get/list/delete over the kinds in
``kinds.Kind``, plus the few calls that are not plain resources (router
interfaces, BGPVPN associations, waiting for a status). Every method returns
plain dicts with Neutron's own attribute names and raises only
``georedflow.exceptions.CloudError`` subclasses.
"""

from typing import Any, Protocol

from georedflow.clouds.kinds import Kind

Resource = dict[str, Any]


class SiteDriver(Protocol):
    site: str

    def extensions(self, cached: bool = False) -> list[str]:
        """Aliases of the Neutron extensions the site offers (read afresh, it also proves
        auth works). ``cached``: an answer read a little earlier will do (clouds/facts.py)."""
        ...

    def external_networks(self, cached: bool = False) -> list[Resource]:
        """The site's external networks, each its id and name; ``cached`` as above."""
        ...

    def create(self, kind: Kind, attrs: dict[str, Any]) -> Resource: ...

    def find(self, kind: Kind, name: str) -> Resource | None:
        """The resource of ``kind`` called ``name``, or None."""
        ...

    def get(self, kind: Kind, resource_id: str) -> Resource | None: ...

    def update(self, kind: Kind, resource_id: str, attrs: dict[str, Any]) -> Resource:
        """Change attributes of an existing resource; returns it as it now is."""

    def ensure_bandwidth_limit(
        self, policy_id: str, max_kbps: int, look_first: bool = True
    ) -> Resource:
        """The QoS policy's one bandwidth-limit rule, created or corrected to ``max_kbps``
        (looked for as ``add_router_interface`` looks)."""

    def set_tags(self, kind: Kind, resource_id: str, tags: list[str]) -> list[str]:
        """Replace the resource's tags; returns its tags as they are now."""
        ...

    def query(self, kind: Kind, **filters: Any) -> list[Resource]: ...

    def quota_details(self) -> dict[str, dict[str, int]] | None:
        """Neutron's quota details of the credentials' project: ``{resource: {"limit",
        "used", "reserved"}}`` (a limit of -1 is none); None when Neutron has no details."""
        ...

    def delete(self, kind: Kind, resource_id: str) -> bool:
        """Delete; False when it was already gone."""
        ...

    def connect_l2_gateway(
        self, gateway_id: str, network_id: str, segmentation_id: int, look_first: bool = True
    ) -> Resource:
        """The L2 gateway's connection of ``network_id`` with ``segmentation_id`` (looked
        for first as ``add_router_interface`` looks)."""
        ...

    def l2_gateway_connections(self, gateway_id: str) -> list[Resource]: ...

    def disconnect_l2_gateway(self, gateway_id: str, network_id: str) -> bool:
        """Remove the gateway's connection of the network; False when there was none."""
        ...

    def add_router_interface(self, router_id: str, subnet_id: str, look_first: bool = True) -> None:
        """Attach ``subnet_id`` to the router; nothing happens when it already is.

        ``look_first=False`` (the task never ran before) skips the look, except
        when a retry follows an attempt that may have attached it."""
        ...

    def remove_router_interface(self, router_id: str, subnet_id: str) -> bool:
        """Detach; False when it was not attached (or the router is gone)."""
        ...

    def router_interface_subnets(self, router_id: str) -> list[str]: ...

    def associate_network(
        self, bgpvpn_id: str, network_id: str, look_first: bool = True
    ) -> Resource:
        """Associate the network with the BGPVPN, or return the association that exists
        (looked for as ``add_router_interface`` looks)."""
        ...

    def network_associations(self, bgpvpn_id: str) -> list[Resource]: ...

    def disassociate_network(self, bgpvpn_id: str, network_id: str) -> bool:
        """Remove the network's association; False when there was none."""
        ...

    def wait_for_status(
        self, kind: Kind, resource_id: str, status: str, *, timeout: float
    ) -> Resource:
        """Poll until the resource reaches ``status``; CloudTimeout after ``timeout`` s."""
        ...
