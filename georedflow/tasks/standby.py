"""Tasks of the standby life cycle: rest dormant, activate (fail over), verify, repair."""

import logging
from collections.abc import Sequence
from typing import Any

from georedflow import drift
from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.config_delivery import ConfigDelivery
from georedflow.exceptions import Conflict
from georedflow.states import ConnectionState
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import SiteTask, StoreKey, Task
from georedflow.tasks.connection import Checkpoint

LOG = logging.getLogger(__name__)


class MarkConnectionDormant(Task):
    """Cold standby: planned and reserved, nothing built until it is activated."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.set_state(connection_id, ConnectionState.DORMANT)


class LoadPlan(Task):
    """The plan made (and reserved) when the connection was created."""

    default_provides = StoreKey.PLAN

    def execute(self, repo: ConnectionRepository, connection_id: str) -> dict[str, Any]:
        plan = repo.get(connection_id).plan
        if not plan:
            raise Conflict(f"connection {connection_id} has no recorded plan to build from")
        return plan


def mark_changing(during: str, restore: str, *, check_sites: bool) -> Checkpoint:
    """An activation or a repair: on revert, back to the state it was in (``restore``)."""
    return Checkpoint(
        during, on_revert=restore, check_sites=check_sites, failed_as=f"{during.lower()} failed: "
    )


class DeliverConfig(Task):
    """POST the latest config snapshot to the connection's activation callback."""

    def execute(
        self,
        repo: ConnectionRepository,
        configs: ConfigRepository,
        delivery: ConfigDelivery,
        connection_id: str,
        epoch: int | None,
    ) -> dict[str, Any] | None:
        """The spare is told the epoch it will hold as primary (one more than now)."""
        connection = repo.get(connection_id)
        callback = connection.options.get("activation_callback")
        snapshot = configs.latest(connection_id)
        if not callback or snapshot is None:
            return None
        held = (connection.epoch if epoch is None else epoch) + 1
        delivery.deliver(callback, connection, snapshot, epoch=held)
        return {"version": snapshot.version, "epoch": held}


class SwapPrimary(Task):
    """The last step of an activation: the backup is primary at the next epoch, the link
    ACTIVE, in one commit."""

    def execute(self, repo: ConnectionRepository, connection_id: str, epoch: int | None) -> str:
        if epoch is None:
            # Begun before epochs (its checkpoint saved no epoch in the logbook): swap
            # from the epoch the connection holds now, as that activation would have.
            epoch = repo.get(connection_id).epoch
        return repo.swap_primary(connection_id, epoch)


class AuditSite(SiteTask):
    """What on this side is missing or differs from the record (read only), by the
    technology's checks."""

    produces = "findings"

    def __init__(self, role: str, checks: Sequence[drift.Check]) -> None:
        super().__init__(role)
        self.checks = checks

    def execute(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        driver: SiteDriver,
        peer_driver: SiteDriver,
    ) -> list[dict[str, Any]]:
        connection = repo.get(connection_id)
        return drift.site_findings(connection, self.role, driver, peer_driver, self.checks)

    def revert(self, **kwargs: Any) -> None:
        return None


class RecordFindings(Task):
    """DEGRADED with the findings when something drifted, ACTIVE when nothing did."""

    def execute(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        local_findings: list[dict[str, Any]],
        remote_findings: list[dict[str, Any]],
    ) -> int:
        findings = local_findings + remote_findings
        repo.record_findings(connection_id, findings)
        return len(findings)


class RemoveDrifted(SiteTask):
    """Before a repair rebuilds: delete what exists but differs, so it is made again.

    Missing resources need nothing here (the build makes them); a resource that
    drifted in place (a peer address, route targets) is replaced. Its dependants
    are found by the build again by name, so only the drifted one is touched.
    """

    def __init__(self, role: str, checks: Sequence[drift.Check]) -> None:
        super().__init__(role)
        self.checks = checks

    def execute(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        driver: SiteDriver,
        peer_driver: SiteDriver,
    ) -> list[str]:
        connection = repo.get(connection_id)
        removed = []
        replaceable = drift.replaceable(self.checks)
        for finding in drift.site_findings(connection, self.role, driver, peer_driver, self.checks):
            replace = finding["problem"] != "missing" and finding["type"] in replaceable
            if replace and driver.delete(Kind(finding["type"]), finding["id"]):
                removed.append(finding["id"])
        return removed

    def revert(self, **kwargs: Any) -> None:
        return None
