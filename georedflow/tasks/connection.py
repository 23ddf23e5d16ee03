"""The connection's own record: the checkpoint, the final record, the delete bookends."""

import logging
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.ownership import leftovers
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import Task

LOG = logging.getLogger(__name__)


def failure_reason(flow_failures: dict[str, Any]) -> str:
    """The first failure's message, named after the task that failed."""
    for name, failure in flow_failures.items():
        message = failure.exception_str if failure.exception_str else failure.exception_type
        return f"{name}: {message}"
    return "the flow failed"


def not_rolled_back(drivers: tuple[SiteDriver, ...], connection_id: str) -> list[str]:
    """What the connection still owns on each site after a revert (never raises)."""
    left: list[str] = []
    for driver in drivers:
        try:
            left += [f"{driver.site}: {item}" for item in leftovers(driver, connection_id)]
        except Exception as error:  # revert never raises; say what is unknown instead
            left.append(f"{driver.site}: could not check for leftovers ({error})")
    return left


class MarkConnectionBuilding(Task):
    """Checkpoint: on revert (everything else undone) the connection goes to ERROR."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.set_state(connection_id, "BUILDING")

    def revert(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        local_driver: SiteDriver,
        remote_driver: SiteDriver,
        flow_failures: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        reason = failure_reason(flow_failures)
        left = not_rolled_back((local_driver, remote_driver), connection_id)
        if left:
            reason += "; NOT rolled back: " + ", ".join(left)
        LOG.warning("connection %s failed: %s", connection_id, reason)
        repo.set_state(connection_id, "ERROR", error=reason)


class RecordConnection(Task):
    """Store what was built on each side and mark the connection ACTIVE.

    An activation records without the state change: it is ACTIVE only once the
    roles have swapped, the flow's last step.
    """

    def __init__(self, mark_active: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._mark_active = mark_active

    def execute(self, repo: ConnectionRepository, connection_id: str, **results: Any) -> None:
        resources: dict[str, list[dict[str, Any]]] = {"local": [], "remote": []}
        for key, result in results.items():
            if isinstance(result, dict) and "type" in result and "id" in result:
                role = key.split("_", 1)[0]
                resources[role].append({"type": result["type"], "id": result["id"]})
        repo.record(connection_id, resources=resources)
        if self._mark_active:
            repo.set_state(connection_id, "ACTIVE")


class MarkConnectionDeleting(Task):
    """Checkpoint of a delete: on failure the connection goes to ERROR, kept for a retry."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.set_state(connection_id, "DELETING")

    def revert(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        flow_failures: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        reason = f"delete failed, retry it: {failure_reason(flow_failures)}"
        repo.set_state(connection_id, "ERROR", error=reason)


class ForgetConnection(Task):
    """The clouds hold nothing of it any more: drop the record and its reservations."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.release(connection_id)
        repo.forget_secrets(connection_id)
        repo.remove(connection_id)
