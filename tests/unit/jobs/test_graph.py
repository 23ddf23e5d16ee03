from typing import Any

import pytest
import taskflow.engines
from taskflow import retry, task
from taskflow.engines.action_engine import compiler
from taskflow.patterns import graph_flow, linear_flow, unordered_flow
from taskflow.persistence import models
from taskflow.utils import persistence_utils as p_utils

from georedflow.flows.create import build_create_flow
from georedflow.jobs import graph, persistence
from georedflow.storage import db
from georedflow.storage.models import JobTask

CREATE = graph.factory_name(build_create_flow)


class Step(task.Task):
    def execute(self) -> None:
        pass


def compiled(flow: Any) -> Any:
    return compiler.PatternCompiler(flow).compile().execution_graph


def test_flow_markers_and_retries_are_collapsed_into_task_edges() -> None:
    flow = linear_flow.Flow("job").add(
        Step("first"),
        unordered_flow.Flow("sides", retry=retry.Times(2, name="again")).add(
            linear_flow.Flow("left").add(Step("left-1"), Step("left-2")),
            Step("right"),
        ),
        Step("last"),
    )

    edges = graph.task_edges(compiled(flow))

    assert sorted(edges) == [
        ("first", "left-1"),
        ("first", "right"),
        ("left-1", "left-2"),
        ("left-2", "last"),
        ("right", "last"),
    ]


def test_a_graph_flow_keeps_the_order_its_arguments_imply() -> None:
    class Make(task.Task):
        def execute(self) -> int:
            return 1

    class Use(task.Task):
        def execute(self, made: int) -> None:
            pass

    flow = graph_flow.Flow("g").add(Use("use"), Make("make", provides="made"))

    assert graph.task_edges(compiled(flow)) == [("make", "use")]


def test_a_create_flow_is_one_connected_acyclic_graph_of_tasks() -> None:
    shape = graph.flow_shape(CREATE, ("vlan", "warm"))

    names = set(shape.tasks)
    assert {"CreateNetwork-local", "CreateNetwork-remote"} <= names
    assert all(a in names and b in names for a, b in shape.edges)
    # The compiler's order is topological: every edge points forward.
    position = {name: i for i, name in enumerate(shape.tasks)}
    assert all(position[a] < position[b] for a, b in shape.edges)
    # One start, one end, and every task on a path between them.
    sources = names - {b for _, b in shape.edges}
    sinks = names - {a for a, _ in shape.edges}
    assert len(sources) == 1 and len(sinks) == 1
    reached, frontier = set(sources), list(sources)
    while frontier:
        here = frontier.pop()
        for a, b in shape.edges:
            if a == here and b not in reached:
                reached.add(b)
                frontier.append(b)
    assert reached == names


def test_the_two_sites_are_side_by_side_in_the_graph() -> None:
    shape = graph.flow_shape(CREATE, ("vlan", "warm"))

    assert ("CreateNetwork-local", "CreateSubnet-local") in shape.edges
    assert ("CreateNetwork-remote", "CreateSubnet-remote") in shape.edges
    assert not any(
        a.startswith("Create") and b.startswith("Create") and a[-6:] != b[-6:]
        for a, b in shape.edges
    )


def test_shapes_are_compiled_once_per_factory_and_arguments() -> None:
    first = graph.flow_shape(CREATE, ("gre", "warm"))
    hits = graph.flow_shape.cache_info().hits

    assert graph.flow_shape(CREATE, ("gre", "warm")) is first
    assert graph.flow_shape.cache_info().hits == hits + 1
    assert graph.flow_shape(CREATE, ("ipsec", "warm")) != first


def test_only_georedflow_s_own_factories_are_called() -> None:
    assert CREATE == "georedflow.flows.create.build_create_flow"
    with pytest.raises(KeyError):
        graph.flow_shape("os.system", ("true",))


def test_nodes_take_their_state_and_site_from_the_task_rows() -> None:
    shape = graph.FlowShape(tasks=("a", "b", "c"), edges=(("a", "b"), ("b", "c")))
    rows = [
        JobTask(name="b", site="west", state="RUNNING"),
        JobTask(name="a", site="east", state="SUCCESS"),
        JobTask(name="extra", site=None, state="REVERTED", error="boom"),
    ]

    found = graph.nodes(shape, rows)

    assert found == [
        graph.Node("a", "east", "SUCCESS", failed=False),
        graph.Node("b", "west", "RUNNING", failed=False),
        graph.Node("c", None, "PENDING", failed=False),
        graph.Node("extra", None, "REVERTED", failed=True),  # failed, then undone
    ]
    assert [n.task for n in graph.nodes(None, rows)] == ["b", "a", "extra"]


def test_the_factory_saved_with_a_job_s_logbook_is_read_back(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    persistence.upgrade(engine)
    backend = persistence.make_backend(engine)
    book = models.LogBook("job-j1", uuid="j1")
    flow_detail = p_utils.create_flow_detail(
        build_create_flow("vlan", "warm"), book=book, backend=backend
    )
    taskflow.engines.save_factory_details(
        flow_detail, build_create_flow, ["vlan", "warm"], {}, backend=backend
    )

    assert graph.saved_factory(backend, "j1") == (CREATE, ("vlan", "warm"))
    assert graph.saved_factory(backend, "never-ran") is None
