"""/v1/jobs: the state, progress and tasks of every change."""

from typing import Annotated

from fastapi import APIRouter, Query

from georedflow.api import schemas, views
from georedflow.api.deps import CallerDep, Jobs
from georedflow.api.policy import check_owner, enforce, visible_project

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


@router.get("")
def list_jobs(
    jobs: Jobs,
    caller: CallerDep,
    state: str | None = None,
    connection_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    marker: str | None = None,
) -> schemas.JobList:
    enforce(caller, "job:list")
    found = jobs.query(
        project_id=visible_project(caller),
        state=state,
        connection_id=connection_id,
        limit=limit,
        marker=marker,
    )
    return schemas.JobList(jobs=[views.job(j) for j in found])


@router.get("/{job_id}")
def show_job(job_id: str, jobs: Jobs, caller: CallerDep) -> schemas.JobOut:
    enforce(caller, "job:show")
    job = jobs.get(job_id)
    check_owner(caller, job.project_id, f"job '{job_id}'")
    return views.job(job)
