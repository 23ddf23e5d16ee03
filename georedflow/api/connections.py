"""/v1/connections: create, list, show and delete connections."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, status

from georedflow.api import schemas, views
from georedflow.api.deps import CallerDep, ConnectionActions, Connections, Jobs
from georedflow.api.policy import check_owner, enforce, visible_project
from georedflow.technologies import Technology

router = APIRouter(prefix="/v1/connections", tags=["connections"])

Limit = Annotated[int, Query(ge=1, le=1000)]


@router.post("", status_code=status.HTTP_202_ACCEPTED)
def create_connection(
    body: schemas.ConnectionCreate,
    actions: ConnectionActions,
    caller: CallerDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
) -> schemas.ConnectionAccepted:
    """Validate, store and start building a connection; returns at once with its job.

    An ``Idempotency-Key`` header makes a retried request safe: the same key and body
    answer with the connection and job the first request made.
    """
    enforce(caller, "connection:create")
    connection, job = actions.create(
        body, project_id=caller.project_id, idempotency_key=idempotency_key
    )
    return schemas.ConnectionAccepted(connection=views.connection(connection), job=views.job(job))


@router.get("")
def list_connections(
    connections: Connections,
    caller: CallerDep,
    state: str | None = None,
    site: str | None = None,
    technology: Technology | None = None,
    mode: schemas.Mode | None = None,
    limit: Limit = 100,
    marker: str | None = None,
) -> schemas.ConnectionList:
    enforce(caller, "connection:list")
    found = connections.query(
        project_id=visible_project(caller),
        state=state,
        site=site,
        technology=technology,
        mode=mode,
        limit=limit,
        marker=marker,
    )
    return schemas.ConnectionList(connections=[views.connection(c) for c in found])


@router.get("/{connection_id}")
def show_connection(
    connection_id: str, connections: Connections, caller: CallerDep
) -> schemas.ConnectionOut:
    enforce(caller, "connection:show")
    connection = connections.get(connection_id)
    check_owner(caller, connection.project_id, f"connection '{connection_id}'")
    return views.connection(connection)


@router.delete("/{connection_id}", status_code=status.HTTP_202_ACCEPTED)
def delete_connection(
    connection_id: str,
    actions: ConnectionActions,
    connections: Connections,
    jobs: Jobs,
    caller: CallerDep,
) -> schemas.ConnectionAccepted:
    check_owner(caller, connections.get(connection_id).project_id, f"connection '{connection_id}'")
    enforce(caller, "connection:delete")
    job = actions.delete(connection_id)
    return schemas.ConnectionAccepted(
        connection=views.connection(connections.get(connection_id)), job=views.job(jobs.get(job.id))
    )
