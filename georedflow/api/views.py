"""Storage models → response bodies."""

from typing import Any

from georedflow.api import schemas
from georedflow.clouds.kinds import Kind
from georedflow.storage.models import ConfigSnapshot, Connection, Endpoint, Job, Subscription


def _first(endpoint: Endpoint, kind: Kind) -> str | None:
    return next((r["id"] for r in endpoint.resources if r["type"] == kind), None)


# Plain documents, validated once per response: building every nested model
# (endpoints, resources, leftovers) one by one cost more than the read of the rows.


def _endpoint(item: Endpoint) -> dict[str, Any]:
    return {
        "site": item.site.name,
        "cell": item.cell,
        "cidr": item.cidr,
        "network_id": _first(item, Kind.NETWORK),
        "subnet_id": _first(item, Kind.SUBNET),
        "router_id": _first(item, Kind.ROUTER),
        "resources": [{"type": r["type"], "id": r["id"]} for r in item.resources],
    }


def _connection(item: Connection) -> dict[str, Any]:
    sides = {e.role: e for e in item.endpoints}
    return {
        "id": item.id,
        "name": item.name,
        "mode": item.mode,
        "technology": item.technology,
        "scope": item.scope,
        "state": item.state,
        "local": _endpoint(sides["local"]),
        "remote": _endpoint(sides["remote"]),
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


def connection(item: Connection) -> schemas.ConnectionOut:
    return schemas.ConnectionOut.model_validate(_connection(item))


def connections(
    items: list[Connection], links: list[schemas.Link] | None = None
) -> schemas.ConnectionList:
    return schemas.ConnectionList.model_validate(
        {"connections": [_connection(c) for c in items], "links": links or []}
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


def subscription(item: Subscription) -> schemas.SubscriptionOut:
    # The secret stays in the database: a response only says whether there is one.
    return schemas.SubscriptionOut(
        id=item.id,
        callback_uri=item.callback_uri,
        filter=schemas.SubscriptionFilter.model_validate(item.filter),
        signed=item.secret is not None,
        created_at=item.created_at,
    )
