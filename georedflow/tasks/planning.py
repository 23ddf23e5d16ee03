"""Surveying both sites and planning the connection before anything is built."""

import logging
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.crypto import SecretBox
from georedflow.exceptions import InvalidInput
from georedflow.planning import planner
from georedflow.planning.psk import generate_psk
from georedflow.planning.settings import PlanningSettings
from georedflow.roles import ROLES
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import SiteTask, StoreKey, Task
from georedflow.technologies import TECHNOLOGIES, Technology

LOG = logging.getLogger(__name__)

_RESERVATION_ATTEMPTS = 10


class SurveySite(SiteTask):
    """Read what the site offers and uses: extensions, subnets, segmentation ids."""

    produces = "survey"

    def execute(self, driver: SiteDriver, repo: ConnectionRepository, connection_id: str) -> Any:
        connection = repo.get(connection_id)
        site = connection.endpoint(self.role).site
        info = TECHNOLOGIES[Technology(connection.technology)]
        offered = set(driver.extensions())
        missing = [alias for alias in info.extensions if alias not in offered]
        if missing:
            raise InvalidInput(
                f"site {site.name} lacks the Neutron extension(s) {', '.join(missing)} "
                f"that {connection.technology} needs"
            )
        survey: dict[str, Any] = {
            "cidrs": sorted({s["cidr"] for s in driver.query(Kind.SUBNET)}),
            "segmentation_ids": {},
            "external_network_id": None,
        }
        if info.stretched and info.network_type:
            networks = driver.query(Kind.NETWORK, **{"provider:network_type": info.network_type})
            survey["segmentation_ids"][info.network_type] = sorted(
                n["provider:segmentation_id"]
                for n in networks
                if n.get("provider:segmentation_id") is not None
            )
        if Technology(connection.technology) is Technology.IPSEC:
            survey["external_network_id"] = self._external_network(driver, site)
        return survey

    @staticmethod
    def _external_network(driver: SiteDriver, site: Any) -> str:
        ref = site.external_network
        if not ref:
            raise InvalidInput(f"site {site.name} has no external_network; ipsec needs one")
        for network in driver.query(Kind.NETWORK, **{"router:external": True}):
            if ref in (network["id"], network["name"]):
                return str(network["id"])
        raise InvalidInput(f"site {site.name}: no external network named or with id '{ref}'")

    def revert(self, **kwargs: Any) -> None:
        return None  # read only


class PlanConnection(Task):
    """Choose and hold addresses and identifiers; generate the pre-shared key."""

    default_provides = StoreKey.PLAN

    def execute(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        settings: PlanningSettings,
        secret_box: SecretBox,
        local_survey: dict[str, Any],
        remote_survey: dict[str, Any],
    ) -> Any:
        connection = repo.get(connection_id)
        endpoints = {
            e.role: {
                "site": e.site.name,
                "cidr": e.cidr,
                "physical_networks": e.site.physical_networks,
            }
            for e in connection.endpoints
        }
        reserved: dict[str, set[str]] = {}
        for _ in range(_RESERVATION_ATTEMPTS):
            # What this connection already holds (a resumed plan) is free for it.
            reserved = {
                kind: repo.reserved(kind) - repo.held_by(connection_id, kind)
                for kind in ("cidr", "vlan", "vxlan", "gre", "route_target")
            }
            plan = planner.plan_connection(
                technology=connection.technology,
                scope=connection.scope,
                options=connection.options,
                endpoints=endpoints,
                surveys={"local": local_survey, "remote": remote_survey},
                reserved=reserved,
                settings=settings,
            )
            if all(repo.reserve(connection_id, k, v) for k, v in planner.reservations(plan)):
                break
            repo.release(connection_id)  # lost a race with another planner: plan again
        else:
            raise InvalidInput("could not reserve addresses and identifiers; try again")
        if connection.technology == Technology.IPSEC:
            repo.forget_secrets(connection_id)  # a resumed plan makes a fresh key
            plan["psk_ref"] = repo.store_secret(connection_id, secret_box.encrypt(generate_psk()))
        repo.record(
            connection_id,
            parameters=_public_parameters(plan),
            plan=plan,
            cidrs={role: plan[role]["cidr"] for role in ROLES},
        )
        return plan

    def revert(self, repo: ConnectionRepository, connection_id: str, **kwargs: Any) -> None:
        repo.release(connection_id)
        repo.forget_secrets(connection_id)


def _public_parameters(plan: dict[str, Any]) -> dict[str, Any]:
    """What the API shows of a plan."""
    shown = {
        "segmentation_id": plan["segmentation_id"],
        "network_type": plan["network_type"],
        "route_targets": plan["route_targets"],
        "mtu": plan["mtu"],
    }
    return {k: v for k, v in shown.items() if v not in (None, [])}
