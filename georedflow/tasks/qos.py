"""Hot standby: a bandwidth guarantee on the link network, a QoS policy on each side."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import CreateResource, SiteTask, leftover, summary, undo


class CreateQosPolicy(CreateResource):
    """A QoS policy holding one bandwidth-limit rule of the planned rate."""

    kind = Kind.QOS_POLICY
    produces = "qos_policy"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        policy = self.ensure(driver, connection_id, {"shared": False})
        driver.ensure_bandwidth_limit(
            policy["id"], plan["bandwidth_mbps"] * 1000, look_first=self.ran_before
        )
        return summary(self.kind, policy)


class ApplyQosPolicy(SiteTask):
    """Put the policy on the link network (setting it again is harmless)."""

    def execute(
        self, driver: SiteDriver, network: dict[str, Any], qos_policy: dict[str, Any]
    ) -> None:
        driver.update(Kind.NETWORK, network["id"], {"qos_policy_id": qos_policy["id"]})

    def revert(
        self,
        driver: SiteDriver,
        repo: ConnectionRepository,
        connection_id: str,
        network: dict[str, Any],
        keep_on_revert: bool = False,
        **kwargs: Any,
    ) -> None:
        if keep_on_revert:
            return

        def detach() -> None:
            if driver.get(Kind.NETWORK, network["id"]) is not None:
                driver.update(Kind.NETWORK, network["id"], {"qos_policy_id": None})

        # Left attached, the policy cannot be deleted until the network is gone.
        undo(
            driver,
            f"the QoS policy of network {network['id']}",
            detach,
            repo=repo,
            connection_id=connection_id,
            left=lambda: leftover(driver, self.role, Kind.NETWORK, network["id"]),
        )
