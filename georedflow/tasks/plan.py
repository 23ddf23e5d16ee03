"""Surveying both sites and planning the connection before anything is built."""

import logging
import time
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.crypto import SecretBox
from georedflow.exceptions import InvalidInput
from georedflow.planning import planner
from georedflow.planning.needs import Needs
from georedflow.planning.psk import generate_psk
from georedflow.planning.settings import PlanningSettings
from georedflow.planning.survey import survey_site
from georedflow.roles import ROLES
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import SiteTask, StoreKey, Task

LOG = logging.getLogger(__name__)

_RESERVATION_ATTEMPTS = 10


class SurveySite(SiteTask):
    """Read what the site offers and uses: extensions, subnets, segmentation ids."""

    produces = "survey"

    def __init__(self, role: str, needs: Needs) -> None:
        self._needs = needs
        super().__init__(role)

    def execute(
        self,
        driver: SiteDriver,
        repo: ConnectionRepository,
        connection_id: str,
        settings: PlanningSettings,
    ) -> Any:
        connection = repo.get(connection_id)
        kept = connection.surveys or {}
        age = time.time() - kept.get("read_at", 0.0)
        if not self.ran_before and self.role in kept and 0 <= age <= settings.survey_max_age:
            # The create's pre-flight read this site moments ago; what other plans of
            # georedflow took since is in the reservations PlanConnection reads.
            return kept[self.role]
        site = connection.endpoint(self.role).site
        return survey_site(driver, site, connection.technology, self._needs)

    def revert(self, **kwargs: Any) -> None:
        return None  # read only


class PlanConnection(Task):
    """Choose and hold addresses and identifiers; generate the pre-shared key."""

    default_provides = StoreKey.PLAN

    def __init__(self, needs: Needs) -> None:
        super().__init__()
        self._needs = needs

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
                for kind in self._needs.reserved_kinds()
            }
            plan = planner.plan_connection(
                technology=connection.technology,
                needs=self._needs,
                scope=connection.scope,
                options=connection.options,
                endpoints=endpoints,
                surveys={"local": local_survey, "remote": remote_survey},
                reserved=reserved,
                settings=settings,
            )
            held = planner.reservations(plan, self._needs)
            if all(repo.reserve(connection_id, k, v) for k, v in held):
                break
            repo.release(connection_id)  # lost a race with another planner: plan again
        else:
            raise InvalidInput("could not reserve addresses and identifiers; try again")
        if self._needs.pre_shared_key:
            repo.forget_secrets(connection_id)  # a resumed plan makes a fresh key
            plan["psk_ref"] = repo.store_secret(connection_id, secret_box.encrypt(generate_psk()))
        repo.record(
            connection_id,
            parameters=planner.public_parameters(plan),
            plan=plan,
            cidrs={role: plan[role]["cidr"] for role in ROLES},
        )
        return plan

    def revert(self, repo: ConnectionRepository, connection_id: str, **kwargs: Any) -> None:
        repo.release(connection_id)
        repo.forget_secrets(connection_id)
