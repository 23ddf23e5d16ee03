"""Deleting a connection: both sites in parallel, dependants first, then the record."""

from taskflow.flow import Flow
from taskflow.patterns import linear_flow, unordered_flow

from georedflow import technologies
from georedflow.clouds.kinds import DELETE_ORDER
from georedflow.flows.create import kinds_made
from georedflow.tasks.base import SiteTask
from georedflow.tasks.connection import ForgetConnection, mark_deleting
from georedflow.tasks.delete import DeleteOwned
from georedflow.technologies.base import Technology


def _site_flow(technology: Technology, role: str) -> Flow:
    tasks: list[SiteTask] = []
    made = kinds_made(technology)
    first = technology.before_delete(role)
    for kind in DELETE_ORDER:
        if kind in made:
            tasks += [*first.get(kind, ()), DeleteOwned(role, kind)]
    return linear_flow.Flow(f"{role}-site").add(*tasks)


def build_delete_flow(technology: str) -> Flow:
    tech = technologies.get(technology)
    local, remote = _site_flow(tech, "local"), _site_flow(tech, "remote")
    sites = (
        linear_flow.Flow("sites").add(remote, local)
        if tech.delete_remote_first
        else unordered_flow.Flow("sites").add(local, remote)
    )
    return linear_flow.Flow(f"delete-{tech}").add(mark_deleting(), sites, ForgetConnection())
