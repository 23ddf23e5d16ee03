"""What every georedflow task shares: store keys, roles, find-or-create, undo-by-name."""

import inspect
import logging
from enum import StrEnum
from typing import Any, ClassVar

from taskflow import task

from georedflow import logs
from georedflow.clouds.driver import Resource, SiteDriver
from georedflow.clouds.kinds import KINDS, Kind, resource_name, tags
from georedflow.roles import other

LOG = logging.getLogger(__name__)


class StoreKey(StrEnum):
    """Names in a flow's store that are not per-site."""

    CONNECTION_ID = "connection_id"  # persisted
    PLAN = "plan"  # persisted: what planning chose (never a secret)
    REPO = "repo"  # transient: ConnectionRepository
    SECRET_BOX = "secret_box"  # noqa: S105  transient: decrypts pre-shared keys
    SETTINGS = "settings"  # transient: PlanningSettings
    CONFIGS = "configs"  # transient: ConfigRepository
    DELIVERY = "delivery"  # transient: ConfigDelivery
    KEEP_ON_REVERT = "keep_on_revert"  # persisted: a repair never removes a working link


SHARED_ARGS = frozenset(StoreKey)


def driver_key(role: str) -> str:
    return f"{role}_driver"


class Task(task.Task):  # type: ignore[misc]
    """A task named after its class, so job listings read as Verb+Noun."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("name", type(self).__name__)
        super().__init__(**kwargs)


class SiteTask(task.Task):  # type: ignore[misc]
    """A task acting on one site (its role: local or remote).

    Arguments of ``execute``/``revert`` other than the shared store keys are read
    from ``<role>_<name>``, and ``peer_<name>`` from the other role's ``<name>``;
    the result is saved as ``<role>_<produces>``. So ``CreateSubnet("local")``
    takes ``local_driver`` and ``local_network`` and provides ``local_subnet``.
    """

    produces: ClassVar[str | None] = None
    kind: ClassVar[Kind | None] = None

    def __init__(self, role: str, **kwargs: Any) -> None:
        self.role = role
        rebind = {}
        for method in (self.execute, self.revert):
            for arg in inspect.signature(method).parameters:
                if arg in SHARED_ARGS or arg in ("result", "flow_failures", "kwargs"):
                    continue
                if arg.startswith("peer_"):
                    rebind[arg] = f"{other(role)}_{arg[5:]}"
                else:
                    rebind[arg] = f"{role}_{arg}"
        super().__init__(
            name=f"{type(self).__name__}-{role}",
            provides=f"{role}_{self.produces}" if self.produces else None,
            rebind=rebind,
            **kwargs,
        )

    def pre_execute(self) -> None:
        logs.ROLE.set(self.role)  # runs in the task's own context (logs.ContextExecutor)

    def pre_revert(self) -> None:
        logs.ROLE.set(self.role)

    def step(self) -> str:
        """The name part that marks what this task makes."""
        return str(self.name)


def summary(kind: Kind, resource: Resource, *fields: str) -> dict[str, Any]:
    """A small, JSON-serialisable result: what was made, and the fields others need."""
    return {"type": str(kind), "id": resource["id"], **{f: resource.get(f) for f in fields}}


def ensure(
    driver: SiteDriver, kind: Kind, connection_id: str, step: str, attrs: dict[str, Any]
) -> Resource:
    """Find the resource this step made before, or create it: never a second one."""
    name = resource_name(connection_id, step)
    wanted_tags = tags(connection_id, step) if KINDS[kind].taggable else []
    existing = driver.find(kind, name)
    if existing is not None:
        LOG.info("%s: found %s %s made earlier", driver.site, kind, existing["id"])
        if not set(wanted_tags) <= set(existing.get("tags") or []):
            # A runner that died between creating and tagging left it untagged.
            existing = driver.set_tags(kind, existing["id"], wanted_tags)
        return existing
    body = {**attrs, "name": name}
    if wanted_tags:
        body["tags"] = wanted_tags
    created = driver.create(kind, body)
    LOG.info("%s: created %s %s", driver.site, kind, created["id"])
    return created


def remove_named(driver: SiteDriver, kind: Kind, connection_id: str, step: str) -> None:
    """Undo ``ensure``: delete what this step made, found by name (log, never raise)."""
    try:
        found = driver.find(kind, resource_name(connection_id, step))
        if found is not None and driver.delete(kind, found["id"]):
            LOG.info("%s: reverted %s %s", driver.site, kind, found["id"])
    except Exception:
        # Keep reverting the other tasks; the checkpoint's revert lists what is left.
        LOG.exception("%s: could not revert %s of %s", driver.site, kind, step)


class CreateResource(SiteTask):
    """A task whose one side effect is one named Neutron resource of ``kind``."""

    def revert(
        self, driver: SiteDriver, connection_id: str, keep_on_revert: bool = False, **kwargs: Any
    ) -> None:
        assert self.kind is not None
        if not keep_on_revert:
            remove_named(driver, self.kind, connection_id, self.step())
