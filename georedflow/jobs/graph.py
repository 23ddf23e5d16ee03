"""A job's flow as a graph of tasks, for the monitoring page.

TaskFlow's compiled execution graph also holds the start and end markers of every
(nested) flow, and retries; they are collapsed so that each edge goes from a task
to a task that waits for it. The shape depends only on the flow's factory and its
arguments (the technology, the standby mode...), not on the job, so it is compiled
once per factory and arguments.
"""

import contextlib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from oslo_utils import reflection
from taskflow import exceptions as tf_exc
from taskflow import task
from taskflow.engines.action_engine import compiler

from georedflow.flows.factories import FACTORIES
from georedflow.states import TaskState
from georedflow.storage.models import JobTask

# A flow's factory by the importable name TaskFlow saves in a logbook, and its arguments.
Factory = tuple[str, tuple[Any, ...]]


def factory_name(factory: Callable[..., Any]) -> str:
    name: str = reflection.get_callable_name(factory)
    return name


# Names read from the database are looked up here, never imported: only georedflow's
# own factories are ever called.
_BY_NAME = {factory_name(f): f for f in FACTORIES.values()}


@dataclass(frozen=True)
class FlowShape:
    tasks: tuple[str, ...]  # in the compiler's order: a topological one
    edges: tuple[tuple[str, str], ...]


def task_edges(graph: Any) -> list[tuple[str, str]]:
    """Task → task edges of a compiled execution graph, through any non-task nodes."""
    following: dict[Any, frozenset[str]] = {}

    def next_tasks(node: Any) -> frozenset[str]:
        # The tasks reached from ``node`` without passing another task (memoised: the
        # end markers of nested flows are shared by many paths).
        if node not in following:
            found: set[str] = set()
            for successor in graph.successors(node):
                if isinstance(successor, task.Task):
                    found.add(successor.name)
                else:
                    found |= next_tasks(successor)
            following[node] = frozenset(found)
        return following[node]

    return [
        (node.name, target)
        for node in graph.nodes
        if isinstance(node, task.Task)
        for target in sorted(next_tasks(node))
    ]


@functools.lru_cache(maxsize=64)
def flow_shape(factory: str, args: tuple[Any, ...]) -> FlowShape:
    """The tasks and edges of the flow ``factory(*args)`` (KeyError: not a flow factory)."""
    flow = _BY_NAME[factory](*args)
    graph = compiler.PatternCompiler(flow).compile().execution_graph
    names = tuple(node.name for node in graph.nodes if isinstance(node, task.Task))
    return FlowShape(tasks=names, edges=tuple(task_edges(graph)))


def saved_factory(backend: Any, job_id: str) -> Factory | None:
    """The factory a runner saved with the job's logbook (None: it has not run yet).

    Once a job has run, this is the truth about its flow, even when its connection
    has changed or is gone since (a delete job outlives its connection).
    """
    with contextlib.closing(backend.get_connection()) as conn:
        try:
            book = conn.get_logbook(job_id)
        except tf_exc.NotFound:
            return None
    for flow_detail in book:
        saved = flow_detail.meta.get("factory")
        if saved:
            return saved["name"], tuple(saved.get("args") or ())
    return None


@dataclass(frozen=True)
class Node:
    task: str
    site: str | None
    state: str
    failed: bool  # the row keeps its error after the revert that follows a failure


def nodes(shape: FlowShape | None, rows: Iterable[JobTask]) -> list[Node]:
    """The flow's tasks with their state from the job's task rows (PENDING until planned)."""
    by_name = {row.name: row for row in rows}
    names = list(shape.tasks) if shape is not None else []
    names += [name for name in by_name if name not in names]
    return [
        Node(
            task=name,
            site=by_name[name].site if name in by_name else None,
            state=by_name[name].state if name in by_name else TaskState.PENDING,
            failed=name in by_name and bool(by_name[name].error),
        )
        for name in names
    ]
