"""Storage models → response bodies."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from georedflow.api import schemas
from georedflow.clouds.kinds import Kind
from georedflow.storage import reads
from georedflow.storage.models import ConfigSnapshot, Connection, Job, Subscription


def _first(resources: list[Any], kind: Kind) -> str | None:
    return next((r["id"] for r in resources if r["type"] == kind), None)


# Plain documents, validated once per response: building every nested model
# (endpoints, resources, leftovers) one by one cost more than the read of the rows.


def _endpoint(
    site: str, cell: str | None, cidr: str | None, resources: list[Any]
) -> dict[str, Any]:
    return {
        "site": site,
        "cell": cell,
        "cidr": cidr,
        "network_id": _first(resources, Kind.NETWORK),
        "subnet_id": _first(resources, Kind.SUBNET),
        "router_id": _first(resources, Kind.ROUTER),
        "resources": [{"type": r["type"], "id": r["id"]} for r in resources],
    }


def _document(item: Any, local: dict[str, Any], remote: dict[str, Any]) -> dict[str, Any]:
    """A connection's document from its fields (a ``Connection``, or a row of reads)."""
    return {
        "id": item.id,
        "name": item.name,
        "mode": item.mode,
        "technology": item.technology,
        "scope": item.scope,
        "state": item.state,
        "local": local,
        "remote": remote,
        "parameters": item.parameters,
        "primary": item.primary_role,
        "findings": item.findings,
        "audited_at": item.audited_at,
        "job_id": item.job_id,
        "error": item.error,
        "leftovers": item.leftovers,
        "selection": item.selection,
        "epoch": item.epoch,
        "lease_expires_at": item.lease_expires_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def _connection(item: Connection) -> dict[str, Any]:
    sides = {e.role: _endpoint(e.site.name, e.cell, e.cidr, e.resources) for e in item.endpoints}
    return _document(item, sides["local"], sides["remote"])


def _row(row: Row[Any]) -> dict[str, Any]:
    sides = row._mapping
    local, remote = (
        _endpoint(
            sides[f"{role}_site"],
            sides[f"{role}_cell"],
            sides[f"{role}_cidr"],
            sides[f"{role}_resources"],
        )
        for role in reads.ROLES
    )
    return _document(row, local, remote)


def connection(item: Connection | Row[Any]) -> schemas.ConnectionOut:
    """A connection's document, from the model or from its row of ``reads``."""
    document = _row(item) if isinstance(item, Row) else _connection(item)
    return schemas.ConnectionOut.model_validate(document)


def connections(
    rows: Sequence[Row[Any]], links: list[schemas.Link] | None = None
) -> schemas.ConnectionList:
    return schemas.ConnectionList.model_validate(
        {"connections": [_row(r) for r in rows], "links": links or []}
    )


def config_version(item: ConfigSnapshot) -> schemas.ConfigVersion:
    return schemas.ConfigVersion(
        connection_id=item.connection_id,
        version=item.version,
        media_type=item.media_type,
        size=len(item.content.encode()),
        created_at=item.created_at,
    )


def job(item: Job) -> schemas.JobOut:
    return schemas.JobOut.model_validate(item)


_TASK_FIELDS = ("name", "state", "site", "worker", "started_at", "finished_at", "error")


def job_rows(rows: Sequence[Row[Any]]) -> schemas.JobOut:
    """A job's document from its rows of ``reads`` (one per task)."""
    first = rows[0]._mapping
    document = {key: first[key] for key in schemas.JobOut.model_fields if key != "tasks"}
    document["tasks"] = [
        {key: row._mapping[f"task_{key}"] for key in _TASK_FIELDS}
        for row in rows
        if row._mapping["task_name"] is not None
    ]
    return schemas.JobOut.model_validate(document)


def subscription(item: Subscription) -> schemas.SubscriptionOut:
    # The secret stays in the database: a response only says whether there is one.
    return schemas.SubscriptionOut(
        id=item.id,
        callback_uri=item.callback_uri,
        filter=schemas.SubscriptionFilter.model_validate(item.filter),
        signed=item.secret is not None,
        created_at=item.created_at,
    )
