"""The pre-flight: survey both sites and plan as the create flow would, building nothing.

A dry run answers with what it found; a real create runs it first and refuses
what the clouds already show (an address or identifier in use, a missing
extension, too little quota) before any job exists. Read only: it reads the
reservations but holds none, so the flow plans (and reserves) again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import KINDS, Kind
from georedflow.exceptions import Conflict
from georedflow.flows.create import resources_made
from georedflow.planning import planner
from georedflow.planning.settings import PlanningSettings
from georedflow.planning.survey import survey_site
from georedflow.roles import ROLES
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.models import Site
from georedflow.technologies.base import Technology


@dataclass(frozen=True)
class Request:
    """What the pre-flight needs of a connection that is not stored yet."""

    technology: Technology
    mode: str
    scope: str
    options: dict[str, Any]
    sites: dict[str, Site]  # by role
    cidrs: dict[str, str | None]  # as given, by role (None: georedflow chooses)


def _quota_name(what: str) -> str | None:
    """The quota details' resource for something a build makes ("port" is its own)."""
    try:
        return KINDS[Kind(what)].quota
    except ValueError:
        return what


class Preflight:
    def __init__(
        self,
        driver: Callable[[Site], SiteDriver],
        connections: ConnectionRepository,
        settings: PlanningSettings,
    ) -> None:
        self._driver = driver
        self._connections = connections
        self._settings = settings

    def run(self, request: Request) -> dict[str, Any]:
        """The plan, what each site gets, the quota headroom and the checks that passed.

        Raises ``Conflict`` (in use, quota) or ``InvalidInput`` (a site cannot host
        the technology), each naming the endpoint it concerns.
        """
        tech, sites = request.technology, request.sites
        drivers = {role: self._driver(sites[role]) for role in ROLES}
        checks: list[dict[str, str]] = []
        surveys = {}
        for role in ROLES:
            surveys[role] = survey_site(
                drivers[role], sites[role], tech.name, tech.needs, role=f"{role}.site"
            )
            checks.append(_passed(role, sites[role], f"offers what {tech} needs"))
        plan = planner.plan_connection(
            technology=tech.name,
            needs=tech.needs,
            scope=request.scope,
            options=request.options,
            endpoints={
                role: {
                    "site": sites[role].name,
                    "cidr": request.cidrs[role],
                    "physical_networks": sites[role].physical_networks,
                }
                for role in ROLES
            },
            surveys=surveys,
            reserved={k: self._connections.reserved(k) for k in tech.needs.reserved_kinds()},
            settings=self._settings,
        )
        for role in ROLES:
            checks.append(_passed(role, sites[role], "addresses and identifiers are free"))
        made = resources_made(tech, request.mode)
        headroom = self._check_quota(sites, drivers, made, checks)
        return {
            "plan": plan,
            "makes": made,
            "quota_headroom": headroom,
            "checks": checks,
            "surveys": surveys,
        }

    def _check_quota(
        self,
        sites: dict[str, Site],
        drivers: dict[str, SiteDriver],
        made: dict[str, dict[str, int]],
        checks: list[dict[str, str]],
    ) -> int | None:
        """Refuse a site whose quota cannot take the build; the least room left after it
        (None: no limit anywhere, or no site reports its quota)."""
        # Two cells of one cloud share one Neutron and one project: their needs add up.
        neutrons: dict[tuple[str, str | None], list[str]] = {}
        for role in ROLES:
            neutrons.setdefault((sites[role].cloud, sites[role].region), []).append(role)
        least: int | None = None
        for roles in neutrons.values():
            role = roles[0]
            details = drivers[role].quota_details()
            if details is None:
                checks.append(_passed(role, sites[role], "quota: not reported by Neutron"))
                continue
            needs: dict[str, int] = {}
            for each in roles:
                for what, count in made[each].items():
                    name = _quota_name(what)
                    if name is not None and name in details:
                        needs[name] = needs.get(name, 0) + count
            for name, need in sorted(needs.items()):
                quota = details[name]
                if quota["limit"] < 0:
                    continue
                free = quota["limit"] - quota["used"] - quota.get("reserved", 0)
                if free < need:
                    where = " and ".join(f"{r}.site {sites[r].name}" for r in roles)
                    raise Conflict(
                        f"{where}: the {name} quota is {quota['limit']} with {quota['used']} "
                        f"used; this connection needs {need} more"
                    )
                least = free - need if least is None else min(least, free - need)
            checks.append(_passed(role, sites[role], "quota has room for the build"))
        return least


def _passed(role: str, site: Site, what: str) -> dict[str, str]:
    return {"role": role, "site": site.name, "check": what}
