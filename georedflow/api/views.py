"""Storage models → response bodies."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row

from georedflow.api import schemas
from georedflow.clouds.kinds import Kind
from georedflow.storage import reads
from georedflow.storage.models import ConfigSnapshot, Connection, Job, Subscription

# Plain documents, validated once per response: building every nested model
# (endpoints, resources, leftovers) one by one cost more than the read of the rows.


def _endpoint(
    site: str, cell: str | None, cidr: str | None, resources: list[Any]
) -> dict[str, Any]:
    first: dict[str, str] = {}  # the first id of each kind, in one pass
    for resource in resources:
        first.setdefault(resource["type"], resource["id"])
    return {
        "site": site,
        "cell": cell,
        "cidr": cidr,
        "network_id": first.get(Kind.NETWORK),
        "subnet_id": first.get(Kind.SUBNET),
        "router_id": first.get(Kind.ROUTER),
        "resources": [{"type": r["type"], "id": r["id"]} for r in resources],
    }


_FIELDS = (
    "id",
    "name",
    "mode",
    "technology",
    "scope",
    "state",
    "parameters",
    "primary_role",
    "findings",
    "audited_at",
    "job_id",
    "error",
    "leftovers",
    "selection",
    "epoch",
    "lease_expires_at",
    "created_at",
    "updated_at",
)


def _document(
    item: Mapping[str, Any], local: dict[str, Any], remote: dict[str, Any]
) -> dict[str, Any]:
    """A connection's document from its fields (of a ``Connection``, or a row of reads)."""
    document = {name: item[name] for name in _FIELDS}
    document["primary"] = document.pop("primary_role")
    return {**document, "local": local, "remote": remote}


def _connection(item: Connection) -> dict[str, Any]:
    sides = {e.role: _endpoint(e.site.name, e.cell, e.cidr, e.resources) for e in item.endpoints}
    fields = {name: getattr(item, name) for name in _FIELDS}
    return _document(fields, sides["local"], sides["remote"])


# Each side's columns in a row of reads, named once: a list of 100 rows looked up
# 800 formatted names.
_SIDES = tuple(
    (f"{role}_site", f"{role}_cell", f"{role}_cidr", f"{role}_resources") for role in reads.ROLES
)


def _row(row: Row[Any]) -> dict[str, Any]:
    fields = row._asdict()  # a plain dict: cheaper to look up than the row itself
    local, remote = (
        _endpoint(fields[site], fields[cell], fields[cidr], fields[resources])
        for site, cell, cidr, resources in _SIDES
    )
    return _document(fields, local, remote)


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
_TASK_COLUMNS = tuple((key, f"task_{key}") for key in _TASK_FIELDS)
_JOB_FIELDS = tuple(key for key in schemas.JobOut.model_fields if key != "tasks")


def job_rows(rows: Sequence[Row[Any]]) -> schemas.JobOut:
    """A job's document from its rows of ``reads`` (one per task)."""
    first = rows[0]._mapping
    document = {key: first[key] for key in _JOB_FIELDS}
    tasks = [row._asdict() for row in rows]
    document["tasks"] = [
        {key: task[column] for key, column in _TASK_COLUMNS}
        for task in tasks
        if task["task_name"] is not None
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
