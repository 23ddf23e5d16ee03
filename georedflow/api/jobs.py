"""/v1/jobs: the state, progress and tasks of every change."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from georedflow.api import schemas, views
from georedflow.api.deps import CallerDep, Jobs, Shown
from georedflow.api.lists import next_links, ordering
from georedflow.api.policy import check_owner, enforce, visible_project
from georedflow.storage.pagination import Order

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
SORT = ordering(("created_at", "updated_at", "state", "kind", "id"))


# Async reads that hand only the database call to a thread (see api/connections.py).


@router.get("")
async def list_jobs(
    jobs: Jobs,
    caller: CallerDep,
    request: Request,
    order: Annotated[Order, Depends(SORT)],
    state: str | None = None,
    connection_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    marker: str | None = None,
) -> schemas.JobList:
    enforce(caller, "job:list")
    found = await run_in_threadpool(
        jobs.query,
        project_id=visible_project(caller),
        state=state,
        connection_id=connection_id,
        limit=limit,
        marker=marker,
        order=order,
    )
    return schemas.JobList(
        jobs=[views.job(j) for j in found], links=next_links(request, found, limit)
    )


@router.get("/{job_id}")
async def show_job(job_id: str, reads: Shown, caller: CallerDep) -> schemas.JobOut:
    enforce(caller, "job:show")
    rows = await reads.job(job_id)
    check_owner(caller, rows[0].project_id, f"job '{job_id}'")
    return views.job_rows(rows)
