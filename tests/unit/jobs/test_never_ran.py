"""Which tasks of a job may have run before: those the logbook shows past PENDING."""

from typing import Any

import taskflow.engines
from taskflow import states
from taskflow.patterns import linear_flow

from georedflow.jobs.runner import mark_never_ran
from georedflow.tasks.base import SiteTask


class Step(SiteTask):
    def execute(self) -> None:
        return None

    def revert(self, **kwargs: Any) -> None:
        return None


def _tasks(flow: linear_flow.Flow) -> list[Any]:
    return [node for node, _meta in flow.iter_nodes()]


def test_only_tasks_still_pending_are_marked_as_never_run() -> None:
    flow = linear_flow.Flow("f").add(Step("local"), Step("remote"))
    flow.add(type("Other", (Step,), {})("local"))
    engine: Any = taskflow.engines.load(flow)
    engine.compile()
    engine.prepare()
    engine.storage.set_atom_state("Step-local", states.SUCCESS)
    engine.storage.set_atom_state("Step-remote", states.RUNNING)  # killed while running

    mark_never_ran(engine)

    ran = {task.name: task.ran_before for task in _tasks(flow)}
    assert ran == {"Step-local": True, "Step-remote": True, "Other-local": False}
    assert not any(task.first_attempt for task in _tasks(flow))


def test_an_attempt_in_which_no_task_had_started_is_the_first() -> None:
    flow = linear_flow.Flow("f").add(Step("local"), Step("remote"))
    engine: Any = taskflow.engines.load(flow)
    engine.compile()
    engine.prepare()

    mark_never_ran(engine)

    assert all(task.first_attempt and not task.ran_before for task in _tasks(flow))
