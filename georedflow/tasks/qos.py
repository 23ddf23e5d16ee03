"""Hot standby: a bandwidth guarantee on the link network, a QoS policy on each side."""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import CloudError
from georedflow.tasks.base import CreateResource, SiteTask, ensure, summary


class CreateQosPolicy(CreateResource):
    """A QoS policy holding one bandwidth-limit rule of the planned rate."""

    kind = Kind.QOS_POLICY
    produces = "qos_policy"

    def execute(self, driver: SiteDriver, connection_id: str, plan: dict[str, Any]) -> Any:
        policy = ensure(driver, self.kind, connection_id, self.step(), {"shared": False})
        driver.ensure_bandwidth_limit(policy["id"], plan["bandwidth_mbps"] * 1000)
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
        network: dict[str, Any],
        keep_on_revert: bool = False,
        **kwargs: Any,
    ) -> None:
        if keep_on_revert:
            return
        try:
            if driver.get(Kind.NETWORK, network["id"]) is not None:
                driver.update(Kind.NETWORK, network["id"], {"qos_policy_id": None})
        except CloudError:
            pass  # the network's own revert deletes it anyway
