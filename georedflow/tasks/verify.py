"""Read-only checks that each side holds what was planned, in the state it should be.

In a create job's first attempt the check is made on the create's own answer, given
moments ago in this attempt: reading the resource back would tell nothing new. A
resumed, taken-over or later job reads what the cloud holds now.
"""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import CloudError
from georedflow.planning.settings import PlanningSettings
from georedflow.tasks.base import SiteTask


class VerifyNetwork(SiteTask):
    def execute(self, driver: SiteDriver, plan: dict[str, Any], network: dict[str, Any]) -> None:
        found = network if self.first_attempt else driver.get(Kind.NETWORK, network["id"])
        if found is None or found.get("status") != "ACTIVE":
            status = found.get("status") if found else "gone"
            raise CloudError(f"network {network['id']} is {status}", site=driver.site)
        # The agreed id is the network's own only where the plan gives the network a type
        # (an evpn's is its BGPVPN's VNI; its network takes the tenant default).
        wanted = plan.get("segmentation_id") if plan.get("network_type") else None
        if wanted is not None and found.get("provider:segmentation_id") != wanted:
            raise CloudError(
                f"network {network['id']} has segmentation id "
                f"{found.get('provider:segmentation_id')}, planned {wanted}",
                site=driver.site,
            )

    def revert(self, **kwargs: Any) -> None:
        return None


class VerifySubnet(SiteTask):
    def execute(self, driver: SiteDriver, plan: dict[str, Any], subnet: dict[str, Any]) -> None:
        found = subnet if self.first_attempt else driver.get(Kind.SUBNET, subnet["id"])
        wanted = plan[self.role]["cidr"]
        if found is None or found.get("cidr") != wanted:
            cidr = found.get("cidr") if found else "gone"
            raise CloudError(f"subnet {subnet['id']} is {cidr}, planned {wanted}", site=driver.site)

    def revert(self, **kwargs: Any) -> None:
        return None


class WaitForSiteConnection(SiteTask):
    def execute(
        self,
        driver: SiteDriver,
        settings: PlanningSettings,
        site_connection: dict[str, Any],
    ) -> None:
        if site_connection.get("status") == "ACTIVE":
            return  # the create's own answer said so: no need to ask again
        driver.wait_for_status(
            Kind.SITE_CONNECTION, site_connection["id"], "ACTIVE", timeout=settings.status_timeout
        )

    def revert(self, **kwargs: Any) -> None:
        return None
