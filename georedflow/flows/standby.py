"""Activating (failing over), verifying and repairing a connection."""

from taskflow.flow import Flow
from taskflow.patterns import graph_flow, linear_flow, unordered_flow

from georedflow import technologies
from georedflow.flows.create import build_graph, verify_flow
from georedflow.roles import ROLES
from georedflow.states import ConnectionState
from georedflow.tasks.connection import RecordConnection
from georedflow.tasks.standby import (
    AuditSite,
    DeliverConfig,
    LoadPlan,
    RecordFindings,
    RemoveDrifted,
    SwapPrimary,
    mark_changing,
)
from georedflow.technologies.base import Technology


def build_activate_flow(technology: str, mode: str, previous_state: str) -> Flow:
    """Fail over: build a dormant link first, deliver the config, then swap the roles.

    The swap comes last, so a failure anywhere leaves the roles as they were and
    the checkpoint puts the connection back in ``previous_state``.
    """
    tech = technologies.get(technology)
    dormant = previous_state == ConnectionState.DORMANT
    flow = linear_flow.Flow(f"activate-{tech}").add(
        mark_changing(ConnectionState.ACTIVATING, previous_state, check_sites=dormant)
    )
    if dormant:
        build, made = build_graph(tech, mode)
        flow.add(
            LoadPlan(), build, verify_flow(tech), RecordConnection(mark_active=False, requires=made)
        )
    return flow.add(DeliverConfig(), SwapPrimary())


def _audit(tech: Technology) -> Flow:
    checks = tech.drift_checks()
    return graph_flow.Flow("audit").add(
        *(AuditSite(role, checks) for role in ROLES), RecordFindings()
    )


def build_verify_flow(technology: str) -> Flow:
    """Compare both sites with the record; DEGRADED with findings, or ACTIVE."""
    tech = technologies.get(technology)
    return linear_flow.Flow(f"verify-{tech}").add(_audit(tech))


def build_repair_flow(technology: str, mode: str, previous_state: str) -> Flow:
    """Replace what drifted, make again what is missing, verify, record: ACTIVE.

    Runs with ``keep_on_revert`` in its store: a failed repair leaves the link as
    it found it rather than removing the parts that still work.
    """
    tech = technologies.get(technology)
    build, made = build_graph(tech, mode)
    return linear_flow.Flow(f"repair-{tech}").add(
        mark_changing(ConnectionState.REPAIRING, previous_state, check_sites=False),
        LoadPlan(),
        unordered_flow.Flow("remove-drifted").add(
            *(RemoveDrifted(role, tech.drift_checks()) for role in ROLES)
        ),
        build,
        verify_flow(tech),
        RecordConnection(requires=made),
        _audit(tech),  # what is left to find after the repair: nothing, and the findings clear
    )
