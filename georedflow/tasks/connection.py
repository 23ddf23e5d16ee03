"""The connection's own record: the checkpoint, the final record, the delete bookends."""

import logging
from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import KINDS
from georedflow.clouds.ownership import owned
from georedflow.exceptions import Fenced
from georedflow.states import ConnectionState
from georedflow.storage.connections import ConnectionRepository
from georedflow.tasks.base import StoreKey, Task, leftover

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


class Checkpoint(Task):
    """A job's first step on the connection: the state it holds while the job runs.

    Its revert runs once everything after it was undone: the connection goes to
    ``on_revert`` (a factory argument, so a resumed job still knows it) with the
    failure as its error, prefixed by ``failed_as``; with ``check_sites`` the sites
    are asked what the connection still owns there. Returns the connection's epoch
    when the job began (kept with the job: an activation swaps from it, once).
    """

    def __init__(
        self, during: str, *, on_revert: str, check_sites: bool, failed_as: str = ""
    ) -> None:
        super().__init__(name=f"MarkConnection{during.title()}", provides=StoreKey.EPOCH)
        self._during = during
        self._on_revert = on_revert
        self._check_sites = check_sites
        self._failed_as = failed_as

    def execute(self, repo: ConnectionRepository, connection_id: str) -> int:
        repo.set_state(connection_id, self._during)
        return repo.get(connection_id).epoch

    def revert(
        self,
        repo: ConnectionRepository,
        connection_id: str,
        local_driver: SiteDriver,
        remote_driver: SiteDriver,
        flow_failures: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        drivers = {"local": local_driver, "remote": remote_driver} if self._check_sites else None
        reason = self._failed_as + failure_reason(flow_failures)
        mark_failed(repo, connection_id, self._on_revert, reason, drivers)


def mark_building() -> Checkpoint:
    """A create: on revert the connection goes to ERROR, with what the sites still hold."""
    return Checkpoint(ConnectionState.BUILDING, on_revert=ConnectionState.ERROR, check_sites=True)


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


def mark_deleting() -> Checkpoint:
    """A delete: on failure the connection goes to ERROR, kept for a retry."""
    return Checkpoint(
        ConnectionState.DELETING,
        on_revert=ConnectionState.ERROR,
        check_sites=False,
        failed_as="delete failed, retry it: ",
    )


class ForgetConnection(Task):
    """The clouds hold nothing of it any more: drop the record and its reservations."""

    def execute(self, repo: ConnectionRepository, connection_id: str) -> None:
        repo.release(connection_id)
        repo.forget_secrets(connection_id)
        repo.remove(connection_id)
