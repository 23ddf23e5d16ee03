"""/v1/connections: create, list, show, delete; activate, heartbeat, verify, repair; configs."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from georedflow.api import schemas, views
from georedflow.api.deps import CallerDep, ConnectionActions, Connections, Jobs, Shown
from georedflow.api.lists import next_links, ordering
from georedflow.api.policy import check_owner, enforce, visible_project
from georedflow.exceptions import InvalidInput
from georedflow.storage.models import Job
from georedflow.storage.pagination import Order

router = APIRouter(prefix="/v1/connections", tags=["connections"])

Limit = Annotated[int, Query(ge=1, le=1000)]
SORT = ordering(("created_at", "updated_at", "name", "state", "technology", "mode", "id"))


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    responses={200: {"model": schemas.ConnectionPlan, "description": "The dry run's plan."}},
)
def create_connection(
    body: schemas.ConnectionCreate,
    actions: ConnectionActions,
    caller: CallerDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
    dry_run: Annotated[
        bool, Query(description="Survey and plan only: 200 with the plan, nothing built or held.")
    ] = False,
) -> schemas.ConnectionAccepted | schemas.ConnectionPlan:
    """Validate, pre-flight both sites, store and start building a connection; returns
    at once with its job. What the sites show would fail (an address or identifier in
    use, a missing extension, too little quota) is refused before any job exists.

    An ``Idempotency-Key`` header makes a retried request safe: the same key and body
    answer with the connection and job the first request made. ``?dry_run=true``
    answers 200 with the plan instead, building and reserving nothing.
    """
    enforce(caller, "connection:create")
    if dry_run:
        response.status_code = status.HTTP_200_OK
        return schemas.ConnectionPlan.model_validate(actions.plan(body.request()))
    connection, job = actions.create(
        body.request(), project_id=caller.project_id, idempotency_key=idempotency_key
    )
    response.headers["Location"] = f"/v1/connections/{connection.id}"
    return schemas.ConnectionAccepted(connection=views.connection(connection), job=views.job(job))


# The reads are ``async`` and hand only the database call to a thread (api/reading.py):
# a ``def`` route goes to FastAPI's thread pool, and so does its response's validation.


@router.get("")
async def list_connections(
    reads: Shown,
    caller: CallerDep,
    request: Request,
    order: Annotated[Order, Depends(SORT)],
    state: str | None = None,
    site: str | None = None,
    technology: schemas.Technology | None = None,
    mode: schemas.Mode | None = None,
    name: Annotated[str | None, Query(description="exactly this name")] = None,
    limit: Limit = 100,
    marker: str | None = None,
) -> schemas.ConnectionList:
    enforce(caller, "connection:list")
    found = await reads.connections(
        project_id=visible_project(caller),
        state=state,
        site=site,
        technology=technology,
        mode=mode,
        name=name,
        limit=limit,
        marker=marker,
        order=order,
    )
    return views.connections(found, next_links(request, found, limit))


@router.get("/{connection_id}")
async def show_connection(
    connection_id: str, reads: Shown, caller: CallerDep
) -> schemas.ConnectionOut:
    enforce(caller, "connection:show")
    connection = await reads.connection(connection_id)
    check_owner(caller, connection.project_id, f"connection '{connection_id}'")
    return views.connection(connection)


@router.delete("/{connection_id}", status_code=status.HTTP_202_ACCEPTED)
def delete_connection(
    connection_id: str,
    actions: ConnectionActions,
    connections: Connections,
    jobs: Jobs,
    caller: CallerDep,
    response: Response,
) -> schemas.ConnectionAccepted:
    return _start(connection_id, "delete", actions.delete, connections, jobs, caller, response)


def _owned(connections: Connections, caller: CallerDep, connection_id: str) -> None:
    check_owner(caller, connections.get(connection_id).project_id, f"connection '{connection_id}'")


def _start(
    connection_id: str,
    action: str,
    start: Callable[[str], Job],
    connections: Connections,
    jobs: Jobs,
    caller: CallerDep,
    response: Response,
) -> schemas.ConnectionAccepted:
    """Check the caller, start the ``action`` job; the connection and its job, as accepted
    (``Location``: the job, which tells how it goes)."""
    _owned(connections, caller, connection_id)
    enforce(caller, f"connection:{action}")
    job = start(connection_id)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return schemas.ConnectionAccepted(
        connection=views.connection(connections.get(connection_id)),
        job=views.job(jobs.get(job.id)),
    )


@router.post("/{connection_id}/activate", status_code=status.HTTP_202_ACCEPTED)
def activate_connection(
    connection_id: str,
    actions: ConnectionActions,
    connections: Connections,
    jobs: Jobs,
    caller: CallerDep,
    response: Response,
    body: schemas.ActivateRequest | None = None,
) -> schemas.ConnectionAccepted:
    """Fail over: the backup endpoint becomes primary, at the next epoch.

    A dormant cold standby is built first, then the latest config snapshot is
    POSTed to ``options.activation_callback`` (with ``X-Georedflow-Epoch``, the
    epoch the spare holds once primary). A failed activation changes nothing.
    While the primary's lease is live (its heartbeats), 409 unless ``force``.
    """
    force = body.force if body is not None else False

    def activate(connection_id: str) -> Job:
        return actions.activate(connection_id, force=force)

    return _start(connection_id, "activate", activate, connections, jobs, caller, response)


@router.post("/{connection_id}/heartbeat")
def heartbeat(
    connection_id: str,
    body: schemas.Heartbeat,
    actions: ConnectionActions,
    connections: Connections,
    caller: CallerDep,
) -> schemas.Lease:
    """The primary renews its lease (``options.lease_seconds``, or ``[standby]
    lease_seconds``) with the epoch it holds.

    An older epoch is a primary that was failed over: 409, and a
    ``connection.fenced`` event, so that it stops acting as primary.
    """
    _owned(connections, caller, connection_id)
    enforce(caller, "connection:heartbeat")
    connection = actions.heartbeat(connection_id, body.epoch)
    assert connection.lease_expires_at is not None  # just renewed
    return schemas.Lease.model_validate(
        {
            "connection_id": connection.id,
            "epoch": connection.epoch,
            "primary": connection.primary_role,
            "primary_site": connection.endpoint(connection.primary_role).site.name,
            "expires_at": connection.lease_expires_at,
        }
    )


@router.post("/{connection_id}/verify", status_code=status.HTTP_202_ACCEPTED)
def verify_connection(
    connection_id: str,
    actions: ConnectionActions,
    connections: Connections,
    jobs: Jobs,
    caller: CallerDep,
    response: Response,
) -> schemas.ConnectionAccepted:
    """Compare both sites with the record: DEGRADED with ``findings`` if anything drifted."""
    return _start(connection_id, "verify", actions.verify, connections, jobs, caller, response)


@router.post("/{connection_id}/repair", status_code=status.HTTP_202_ACCEPTED)
def repair_connection(
    connection_id: str,
    actions: ConnectionActions,
    connections: Connections,
    jobs: Jobs,
    caller: CallerDep,
    response: Response,
) -> schemas.ConnectionAccepted:
    """Replace what drifted and make again what is missing; back to ACTIVE."""
    return _start(connection_id, "repair", actions.repair, connections, jobs, caller, response)


_CONFIG_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


@router.put(
    "/{connection_id}/config",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_CONFIG_BODY,
)
async def put_config(
    connection_id: str,
    request: Request,
    response: Response,
    actions: ConnectionActions,
    connections: Connections,
    caller: CallerDep,
) -> schemas.ConfigVersion:
    """Keep the VNF's configuration (a JSON document or text) as a new version."""
    _owned(connections, caller, connection_id)
    enforce(caller, "config:put")
    media_type = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.startswith("text/"):
        raise InvalidInput("a config snapshot is application/json or text/*")
    content = await request.body()
    snapshot = await run_in_threadpool(actions.put_config, connection_id, media_type, content)
    version = views.config_version(snapshot)
    response.headers["Location"] = (
        f"/v1/connections/{connection_id}/config?version={version.version}"
    )
    return version


@router.get(
    "/{connection_id}/config",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/plain": {}}}},
)
def get_config(
    connection_id: str,
    actions: ConnectionActions,
    connections: Connections,
    caller: CallerDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The latest config snapshot, or ``?version=N``; its version is in a header."""
    _owned(connections, caller, connection_id)
    enforce(caller, "config:show")
    snapshot = actions.get_config(connection_id, version)
    return Response(
        content=snapshot.content,
        media_type=snapshot.media_type,
        headers={"Georedflow-Config-Version": str(snapshot.version)},
    )
