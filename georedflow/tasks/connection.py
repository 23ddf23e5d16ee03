"""The connection's own record: the checkpoint, the final record, the delete bookends."""

import logging
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import KINDS
from georedflow.clouds.ownership import owned
from georedflow.exceptions import Fenced
from georedflow.states import ConnectionState
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import Task, leftover

LOG = logging.getLogger(__name__)


def failure_reason(flow_failures: dict[str, Any]) -> str:
    """The first failure's message, named after the task that failed."""
    for name, failure in flow_failures.items():
        message = failure.exception_str if failure.exception_str else failure.exception_type
        return f"{name}: {message}"
    return "the flow failed"


def not_rolled_back(
    repo: ConnectionRepository, drivers: dict[str, SiteDriver], connection_id: str
) -> list[dict[str, Any]]:
    """What the connection may still own after a revert: noted by reverts, or found.

    Never raises: a site that cannot be asked is reported as unknown instead.
    """
    left: list[dict[str, Any]] = list(repo.leftovers(connection_id))
    for role, driver in drivers.items():
        try:
            left += [
                leftover(driver, role, kind, resource["id"], resource.get("name"))
                for kind in KINDS
                for resource in owned(driver, kind, connection_id, role)
            ]
        except Fenced:
            raise
        except Exception as error:
            left.append(leftover(driver, role, "unknown", None, f"could not check: {error}"))
    unique: dict[tuple[Any, ...], dict[str, Any]] = {}
    for item in left:
        key = (item["site"], item["type"], item["id"] or item.get("name"))
        unique.setdefault(key, item)
    return list(unique.values())


def describe(left: list[dict[str, Any]]) -> str:
    return ", ".join(f"{i['site']}: {i['type']} {i['id'] or i.get('name')}" for i in left)


def mark_failed(
    repo: ConnectionRepository,
    connection_id: str,
    state: str,
    reason: str,
    drivers: dict[str, SiteDriver] | None,
) -> None:
    """The checkpoint's revert: everything else is undone; record the state and what is left.

    Written once for every checkpoint (build, delete, activation, repair). With
    ``drivers``, the sites are asked what the connection still owns there.
    """
    left = not_rolled_back(repo, drivers, connection_id) if drivers else []
    if left:
        reason += "; NOT rolled back: " + describe(left)
    LOG.warning("connection %s: %s", connection_id, reason)
    repo.set_state(connection_id, state, error=reason, leftovers=left if drivers else None)


class MarkConnectionBuilding(Task):
    """Checkpoint: on revert (everything else undone) the connection goes to ERROR."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.set_state(connection_id, ConnectionState.BUILDING)

    def revert(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        local_driver: SiteDriver,
        remote_driver: SiteDriver,
        flow_failures: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        drivers = {"local": local_driver, "remote": remote_driver}
        mark_failed(
            repo, connection_id, ConnectionState.ERROR, failure_reason(flow_failures), drivers
        )


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
            repo.set_state(connection_id, ConnectionState.ACTIVE)


class MarkConnectionDeleting(Task):
    """Checkpoint of a delete: on failure the connection goes to ERROR, kept for a retry."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.set_state(connection_id, ConnectionState.DELETING)

    def revert(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        flow_failures: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        reason = f"delete failed, retry it: {failure_reason(flow_failures)}"
        mark_failed(repo, connection_id, ConnectionState.ERROR, reason, drivers=None)


class ForgetConnection(Task):
    """The clouds hold nothing of it any more: drop the record and its reservations."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.release(connection_id)
        repo.forget_secrets(connection_id)
        repo.remove(connection_id)
