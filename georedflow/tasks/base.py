"""What every georedflow task shares: store keys, roles, find-or-create, undo-by-name."""

import inspect
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any, ClassVar

from taskflow import task

from georedflow import logs
from georedflow.clouds.driver import Resource, SiteDriver
from georedflow.clouds.kinds import KINDS, Kind, resource_name, tags
from georedflow.exceptions import Fenced
from georedflow.roles import other
from georedflow.storage.connections import ConnectionRepository

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
    EPOCH = "epoch"  # persisted: the connection's epoch when its activation or repair began


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
    # False when the runner knows this task never started in this job before (its
    # state was PENDING when the attempt began): then nothing it makes can exist
    # yet, and a create needs no find first. True (look first) otherwise.
    ran_before: bool = True
    # True in a create job's first attempt (no task had started when it began): every
    # answer a task is given is the cloud's own, from this attempt. A check of what such
    # an answer says needs no read-back (tasks/verify.py). False (read) otherwise.
    first_attempt: bool = False

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
    driver: SiteDriver,
    kind: Kind,
    connection_id: str,
    step: str,
    attrs: dict[str, Any],
    *,
    look_first: bool = True,
) -> Resource:
    """Find the resource this step made before, or create it: never a second one.

    With ``look_first=False`` (the step never ran before) it is created at once; the
    driver still looks before it posts again after a lost answer.
    """
    name = resource_name(connection_id, step)
    wanted_tags = tags(connection_id, step) if KINDS[kind].taggable else []
    existing = driver.find(kind, name) if look_first else None
    if existing is not None:
        LOG.info("%s: found %s %s made earlier", driver.site, kind, existing["id"])
        if not set(wanted_tags) <= set(existing.get("tags") or []):
            # A runner that died between creating and tagging left it untagged.
            existing["tags"] = driver.set_tags(kind, existing["id"], wanted_tags)
        return existing
    body = {**attrs, "name": name}
    if wanted_tags:
        body["tags"] = wanted_tags
    created = driver.create(kind, body)
    LOG.info("%s: created %s %s", driver.site, kind, created["id"])
    return created


def leftover(
    driver: SiteDriver, role: str, kind: str, resource_id: str | None, name: str | None = None
) -> dict[str, Any]:
    """How the connection notes a resource it may still own on a site."""
    return {"site": driver.site, "role": role, "type": str(kind), "id": resource_id, "name": name}


def undo(
    driver: SiteDriver,
    what: str,
    step: Callable[[], Any],
    *,
    repo: ConnectionRepository,
    connection_id: str,
    left: Callable[[], dict[str, Any]],
) -> None:
    """One step of a revert: log, never raise, and note on the connection what stays.

    A revert that raised would stop TaskFlow reverting the rest, and the checkpoint
    would never mark the connection; so the failure is logged and ``left()`` is
    recorded as a leftover, which the checkpoint reports and a delete removes.
    A fenced runner is the exception: it must stop writing at once.
    """
    try:
        step()
    except Fenced:
        raise
    except Exception:
        LOG.exception("%s: could not revert %s", driver.site, what)
        try:
            repo.add_leftover(connection_id, left())
        except Fenced:
            raise
        except Exception:
            LOG.exception("%s: could not note what is left of %s", driver.site, what)


def remove_named(
    driver: SiteDriver,
    kind: Kind,
    connection_id: str,
    step: str,
    *,
    repo: ConnectionRepository,
    role: str,
    made: Any = None,
) -> None:
    """Undo ``ensure``: delete what this step made (log, never raise).

    ``made`` is the step's result when it finished (its ``summary``: the id is
    known); otherwise the resource, if any, is found by name.
    """
    name = resource_name(connection_id, step)
    found: Resource | None = made if isinstance(made, dict) and made.get("id") else None

    def remove() -> None:
        nonlocal found
        if found is None:
            found = driver.find(kind, name)
        if found is not None and driver.delete(kind, found["id"]):
            LOG.info("%s: reverted %s %s", driver.site, kind, found["id"])

    undo(
        driver,
        f"{kind} of {step}",
        remove,
        repo=repo,
        connection_id=connection_id,
        left=lambda: leftover(driver, role, kind, found["id"] if found else None, name),
    )


class CreateResource(SiteTask):
    """A task whose one side effect is one named Neutron resource of ``kind``."""

    def ensure(self, driver: SiteDriver, connection_id: str, attrs: dict[str, Any]) -> Resource:
        """This task's resource: ``ensure`` for its kind and step."""
        assert self.kind is not None
        return ensure(
            driver, self.kind, connection_id, self.step(), attrs, look_first=self.ran_before
        )

    def revert(
        self,
        driver: SiteDriver,
        repo: ConnectionRepository,
        connection_id: str,
        keep_on_revert: bool = False,
        result: Any = None,
        **kwargs: Any,
    ) -> None:
        assert self.kind is not None
        if not keep_on_revert:
            remove_named(
                driver,
                self.kind,
                connection_id,
                self.step(),
                repo=repo,
                role=self.role,
                made=result,
            )
