"""/v1/jobs/{id}/events and /graph: a job watched while it runs, for the monitoring page."""

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field

from georedflow.api.deps import CallerDep, JobGraphsDep, Jobs
from georedflow.api.policy import check_owner, enforce
from georedflow.exceptions import NotFound
from georedflow.jobs.watch import JobWatch
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Job

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

# Jobs may run in a worker process, so the database is the only place to watch.
POLL_SECONDS = 0.25


def _watched_job(job_id: str, jobs: Jobs, caller: CallerDep) -> Job:
    # A dependency, so that refusals are answered before a stream starts.
    enforce(caller, "job:show")
    job = jobs.get(job_id)
    check_owner(caller, job.project_id, f"job '{job_id}'")
    return job


WatchedJob = Annotated[Job, Depends(_watched_job)]


class GraphNode(BaseModel):
    task: str
    site: str | None
    state: str
    failed: bool = False  # it failed (its state may since be REVERTING or REVERTED)


class GraphEdge(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    from_: str = Field(alias="from")
    to: str


class JobGraph(BaseModel):
    job_id: str
    kind: str
    state: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


@router.get("/{job_id}/graph")
def job_graph(job: WatchedJob, graphs: JobGraphsDep) -> JobGraph:
    """The job's tasks as nodes with their state, and edges from each task to the next."""
    shape = graphs.of(job)
    return JobGraph(
        job_id=job.id,
        kind=job.kind,
        state=job.state,
        nodes=[
            GraphNode(task=n.task, site=n.site, state=n.state, failed=n.failed) for n in shape.nodes
        ],
        edges=[GraphEdge.model_validate({"from": a, "to": b}) for a, b in shape.edges],
    )


@router.get(
    "/{job_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"description": "`task`, `job` and `progress` events, then `end`"}},
)
async def job_events(job: WatchedJob, jobs: Jobs) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events until the job ends, then the stream closes.

    - `task`: `{task, site, state, started_at, finished_at, at, error}`, in the order
      they happened; each run of a task is `RUNNING` before its outcome (`SUCCESS`,
      `FAILURE`, `REVERTING`, `REVERTED`, `REVERT_FAILURE`).
    - `job`: `{state, attempts}` when the job is queued, claimed or resumed.
    - `progress`: `{progress}` (0 to 1) when it moves.
    - `end`: `{state, progress, error}`, last. A job that already ended sends its
      tasks' history and `end` at once.

    Idle streams carry a `: ping` comment every 15 s to keep proxies from closing them.
    """
    watch = JobWatch()
    sequence = 0
    current: Job | None = job
    while current is not None:
        for event in watch.read(current):
            sequence += 1
            yield ServerSentEvent(event=event.kind, data=event.data, id=str(sequence))
        if watch.ended:
            return
        await anyio.sleep(POLL_SECONDS)
        current = await anyio.to_thread.run_sync(_reread, jobs, job.id)


def _reread(jobs: JobRepository, job_id: str) -> Job | None:
    try:
        return jobs.get(job_id)
    except NotFound:  # deleted while watched: nothing more will happen to it
        return None
