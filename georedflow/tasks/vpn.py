"""IPsec VPN: policies, the VPN service, endpoint groups and the site connection."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.crypto import SecretBox
from georedflow.roles import other
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import CreateResource, summary

# Explicit and strong: no sha1, no 3des (and defaults trip a known vpnaas bug).
IKE_POLICY = {
    "auth_algorithm": "sha256",
    "encryption_algorithm": "aes-256",
    "ike_version": "v2",
    "pfs": "group14",
}
IPSEC_POLICY = {
    "auth_algorithm": "sha256",
    "encryption_algorithm": "aes-256",
    "pfs": "group14",
    "transform_protocol": "esp",
}


class CreateIkePolicy(CreateResource):
    kind = Kind.IKE_POLICY
    produces = "ike_policy"

    def execute(self, driver: SiteDriver, connection_id: str) -> Any:
        return summary(self.kind, self.ensure(driver, connection_id, IKE_POLICY))


class CreateIpsecPolicy(CreateResource):
    kind = Kind.IPSEC_POLICY
    produces = "ipsec_policy"

    def execute(self, driver: SiteDriver, connection_id: str) -> Any:
        policy = self.ensure(driver, connection_id, IPSEC_POLICY)
        return summary(self.kind, policy)


class CreateVpnService(CreateResource):
    kind = Kind.VPN_SERVICE
    produces = "vpn_service"

    def execute(self, driver: SiteDriver, connection_id: str, router: dict[str, Any]) -> Any:
        service = self.ensure(driver, connection_id, {"router_id": router["id"]})
        return summary(self.kind, service)


class CreateSubnetEndpointGroup(CreateResource):
    """This side's subnet, as the local endpoint group of the site connection."""

    kind = Kind.ENDPOINT_GROUP
    produces = "subnet_group"

    def execute(self, driver: SiteDriver, connection_id: str, subnet: dict[str, Any]) -> Any:
        attrs = {"type": "subnet", "endpoints": [subnet["id"]]}
        return summary(self.kind, self.ensure(driver, connection_id, attrs))


class CreatePeerEndpointGroup(CreateResource):
    """The other side's CIDR, as the peer endpoint group of the site connection."""

    kind = Kind.ENDPOINT_GROUP
    produces = "cidr_group"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        attrs = {"type": "cidr", "endpoints": [plan[other(self.role)]["cidr"]]}
        return summary(self.kind, self.ensure(driver, connection_id, attrs))


class CreateSiteConnection(CreateResource):
    """The IPsec site connection whose peer is the other side's router gateway."""

    kind = Kind.SITE_CONNECTION
    produces = "site_connection"

    def execute(
        self,
        driver: SiteDriver,
        connection_id: str,
        plan: dict[str, Any],
        repo: ConnectionRepository,
        secret_box: SecretBox,
        vpn_service: dict[str, Any],
        ike_policy: dict[str, Any],
        ipsec_policy: dict[str, Any],
        subnet_group: dict[str, Any],
        cidr_group: dict[str, Any],
        interface: dict[str, Any],
        peer_router: dict[str, Any],
    ) -> Any:
        peer_address = peer_router["gateway_ip"]
        attrs: dict[str, Any] = {
            "vpnservice_id": vpn_service["id"],
            "ikepolicy_id": ike_policy["id"],
            "ipsecpolicy_id": ipsec_policy["id"],
            "local_ep_group_id": subnet_group["id"],
            "peer_ep_group_id": cidr_group["id"],
            "peer_address": peer_address,
            "peer_id": peer_address,
            "initiator": "bi-directional",
            # Fetched by reference, here only: the key never enters the flow's store.
            "psk": secret_box.decrypt(repo.secret(plan["psk_ref"])),
        }
        if plan.get("mtu"):
            attrs["mtu"] = plan["mtu"]
        connection = self.ensure(driver, connection_id, attrs)
        return summary(self.kind, connection, "peer_address", "status")
