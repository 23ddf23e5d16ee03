"""Building a connection: checkpoint, survey and plan, both sites in parallel, joins, verify.

What each site builds comes from the technology's module (georedflow/technologies/).
A cold standby only plans and reserves at create (``build_reserve_flow``); the
build graph is the same when it is activated or repaired later (flows/standby.py).
"""

from taskflow.flow import Flow
from taskflow.patterns import graph_flow, linear_flow, unordered_flow

from georedflow import technologies
from georedflow.clouds.kinds import Kind
from georedflow.roles import ROLES
from georedflow.tasks import router
from georedflow.tasks.connection import RecordConnection, mark_building
from georedflow.tasks.plan import PlanConnection, SurveySite
from georedflow.tasks.standby import MarkConnectionDormant
from georedflow.technologies.base import Technology

MODES = ("hot", "warm", "cold")


def build_graph(tech: Technology, mode: str) -> tuple[Flow, list[str]]:
    """Both sites side by side, then what joins them; and the names of what it makes."""
    local, remote = tech.site_tasks("local", mode), tech.site_tasks("remote", mode)
    joins = tech.join_tasks()
    made = [name for t in [*local, *remote, *joins] for name in t.provides]
    graph = graph_flow.Flow("build").add(
        graph_flow.Flow("local-site").add(*local),
        graph_flow.Flow("remote-site").add(*remote),
        *joins,
    )
    return graph, made


def resources_made(tech: Technology, mode: str) -> dict[str, dict[str, int]]:
    """Per role, how many of each Neutron resource the build makes (a router
    interface is a port): what the pre-flight compares with the sites' quotas."""
    made: dict[str, dict[str, int]] = {role: {} for role in ROLES}
    site_tasks = [t for role in ROLES for t in tech.site_tasks(role, mode)]
    for each in [*site_tasks, *tech.join_tasks()]:
        what = "port" if isinstance(each, router.AttachRouterInterface) else each.kind
        if what is not None:
            made[each.role][str(what)] = made[each.role].get(str(what), 0) + 1
    return made


def kinds_made(tech: Technology) -> frozenset[Kind]:
    """Every kind of Neutron resource a build of ``tech`` can make, in any mode: what its
    delete looks for (derived from the tasks, so a new task's kind is deleted too)."""
    return frozenset(
        each.kind
        for mode in MODES
        for role in ROLES
        for each in [*tech.site_tasks(role, mode), *tech.join_tasks()]
        if each.kind is not None
    )


def verify_flow(tech: Technology) -> Flow:
    return unordered_flow.Flow("verify").add(*tech.verify_tasks())


def plan_flow(tech: Technology) -> Flow:
    return graph_flow.Flow("plan").add(
        SurveySite("local", tech.needs),
        SurveySite("remote", tech.needs),
        PlanConnection(tech.needs),
    )


def build_create_flow(technology: str, mode: str = "warm") -> Flow:
    tech = technologies.get(technology)
    build, made = build_graph(tech, mode)
    return linear_flow.Flow(f"create-{tech}").add(
        mark_building(),
        plan_flow(tech),
        build,
        verify_flow(tech),
        RecordConnection(requires=made),
    )


def build_reserve_flow(technology: str) -> Flow:
    """A cold standby's create: plan and hold addresses and identifiers, build nothing."""
    tech = technologies.get(technology)
    return linear_flow.Flow(f"reserve-{tech}").add(
        mark_building(), plan_flow(tech), MarkConnectionDormant()
    )
