"""The revert contract, enforced on every task class under georedflow/tasks/.

A revert that raised would stop TaskFlow reverting the tasks before it, and the
checkpoint would never mark the connection: it would stay BUILDING with nothing
recorded of what was left. So: with a site whose every call fails, each revert
returns, logs what it could not undo, and notes it on the connection; each
checkpoint still marks the connection and lists what may be left.
"""

import importlib
import inspect
import logging
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from taskflow import task
from taskflow.types import failure

import georedflow.tasks
import georedflow.technologies
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import CloudError
from georedflow.planning.needs import Needs
from tests.unit.fakes import FailingDriver, FakeRepo

DRIVERS = {"driver", "peer_driver", "local_driver", "remote_driver"}
CONSTRUCTOR_ARGS = {
    "role": "local",
    "kind": Kind.NETWORK,
    "during": "ACTIVATING",
    "on_revert": "DORMANT",
    "check_sites": True,
    "checks": (),
    "needs": Needs(extensions=(), stretched=True, segmentation="vxlan", ranges="vni_ranges"),
}


def task_classes() -> Iterator[type[task.Task]]:
    """Every task class: the shared ones, and those a technology's module brings."""
    modules = [
        f"{package.__name__}.{info.name}"
        for package in (georedflow.tasks, georedflow.technologies)
        for info in pkgutil.iter_modules(package.__path__)
    ]
    for name in modules:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, task.Task)
                and value.__module__ == module.__name__
                and not inspect.isabstract(value)
            ):
                yield value


def _instance(cls: type[task.Task]) -> task.Task:
    params = inspect.signature(cls.__init__).parameters
    args = {name: CONSTRUCTOR_ARGS[name] for name in params if name in CONSTRUCTOR_ARGS}
    return cls(**args)


class Made(dict[str, Any]):
    """Any result a task's execute returned: every field an id-like string."""

    def __missing__(self, key: str) -> str:
        return f"{key}-1"


def _revert_arguments(instance: task.Task, driver: FailingDriver, repo: FakeRepo) -> dict[str, Any]:
    made_it = failure.Failure.from_exception(CloudError("the build failed", site="down"))
    arguments: dict[str, Any] = {}
    for name, param in inspect.signature(instance.revert).parameters.items():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if name in DRIVERS:
            arguments[name] = driver
        elif name == "repo":
            arguments[name] = repo
        elif name == "connection_id":
            arguments[name] = "c1"
        elif name == "flow_failures":
            arguments[name] = {"CreateNetwork-local": made_it}
        elif name == "keep_on_revert":
            arguments[name] = False
        else:  # result, router, subnet, network, plan ...: what execute made
            arguments[name] = Made(id=f"{name}-1", type="network")
    return arguments


CLASSES = sorted(task_classes(), key=lambda cls: cls.__name__)


def test_every_task_class_is_walked() -> None:
    names = {cls.__name__ for cls in CLASSES}
    # A few we know exist, so that an import change cannot empty the walk silently.
    assert {"CreateNetwork", "AttachRouterInterface", "AssociateNetwork"} <= names
    assert {"ApplyQosPolicy", "Checkpoint", "PlanConnection"} <= names
    assert {"CreateL2Bgpvpn", "CreateL2Gateway", "ConnectL2Gateway"} <= names  # technologies'

    assert len(CLASSES) >= 30


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_a_revert_never_raises_and_says_what_it_left(
    cls: type[task.Task], caplog: pytest.LogCaptureFixture
) -> None:
    instance = _instance(cls)
    driver, repo = FailingDriver(), FakeRepo()
    caplog.set_level(logging.INFO)

    instance.revert(**_revert_arguments(instance, driver, repo))  # must not raise

    if driver.calls:
        problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert problems, f"{cls.__name__}.revert hid a failed cloud call without a word"
    checkpoint = "flow_failures" in inspect.signature(instance.revert).parameters
    if checkpoint:
        assert repo.states, f"{cls.__name__} is a checkpoint but marked nothing"
        _state, error, leftovers = repo.states[-1]
        assert error and "the build failed" in error
        if leftovers is not None:  # it asked the sites: they did not answer
            assert leftovers, "a site that cannot be asked must be reported, not passed over"
            assert "NOT rolled back" in error
    elif driver.calls:
        assert repo.noted, f"{cls.__name__}.revert left something and noted nothing"
        assert all(n["site"] == "down" and n["role"] == "local" for n in repo.noted)
