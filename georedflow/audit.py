"""The periodic audit: every built connection is compared with its sites at its mode's interval.

Runs in the API process, read only on the clouds. A drifted connection goes
DEGRADED with its findings (and ACTIVE again once the drift is gone); one with a
job in flight is left to that job. A site that cannot be reached is a finding too.
"""

import logging

from georedflow import drift, technologies
from georedflow.exceptions import GeoredflowError, NotFound
from georedflow.jobs.context import JobContext
from georedflow.periodic import Periodic
from georedflow.roles import ROLES, other

LOG = logging.getLogger(__name__)


class Auditor:
    def __init__(self, context: JobContext, intervals: dict[str, float], tick: float = 2.0) -> None:
        self._context = context
        self._intervals = intervals
        self._periodic = Periodic("audit", self.audit_due, tick)

    def start(self) -> None:
        self._periodic.start()

    def stop(self) -> None:
        self._periodic.stop()

    def audit_due(self) -> int:
        """Audit every connection whose interval has passed; how many were updated."""
        updated = 0
        for connection_id in self._context.connections.due_for_audit(self._intervals):
            if self._periodic.stopped:
                break
            try:
                updated += self.audit(connection_id)
            except NotFound:
                continue  # deleted since it was listed
        return updated

    def audit(self, connection_id: str) -> bool:
        connection = self._context.connections.get(connection_id)
        sites = {e.role: e.site for e in connection.endpoints}
        drivers = {role: self._context.driver(site) for role, site in sites.items()}
        checks = technologies.get(connection.technology).drift_checks()
        findings: list[drift.Finding] = []
        for role in ROLES:
            try:
                findings += drift.site_findings(
                    connection, role, drivers[role], drivers[other(role)], checks
                )
            except GeoredflowError as error:
                findings.append(
                    {"site": sites[role].name, "role": role, "problem": f"not audited: {error}"}
                )
        updated = self._context.connections.record_findings(
            connection_id, findings, only_if_idle=True
        )
        if updated and findings:
            LOG.warning("connection %s drifted: %s", connection_id, findings)
        return updated
