"""The shape of a job's flow, for watching it: its tasks, what waits for what, their state."""

from dataclasses import dataclass

from georedflow.exceptions import NotFound
from georedflow.jobs import graph
from georedflow.jobs.runner import JobRunner
from georedflow.storage.models import Job


@dataclass(frozen=True)
class JobGraph:
    nodes: list[graph.Node]
    edges: list[tuple[str, str]]  # from a task to one that waits for it


class JobGraphs:
    """Reads a job's flow as it was saved when it ran, or as it will be built."""

    def __init__(self, runner: JobRunner) -> None:
        self._runner = runner

    def _factory(self, job: Job) -> graph.Factory | None:
        """How the job's flow is (or will be) built; None when that cannot be known."""
        saved = graph.saved_factory(self._runner.backend, job.id)
        if saved is not None:
            return saved
        try:
            factory, args = self._runner.flow_factory(job)
        except NotFound:  # its connection went away before the job ran
            return None
        return graph.factory_name(factory), tuple(args)

    def of(self, job: Job) -> JobGraph:
        factory = self._factory(job)
        shape = graph.flow_shape(*factory) if factory is not None else None
        return JobGraph(
            nodes=graph.nodes(shape, job.tasks), edges=list(shape.edges) if shape else []
        )
