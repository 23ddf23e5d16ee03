"""Storage models → response bodies."""

from georedflow.api import schemas
from georedflow.clouds.kinds import Kind
from georedflow.storage.models import ConfigSnapshot, Connection, Endpoint, Job, Subscription


def _first(endpoint: Endpoint, kind: Kind) -> str | None:
    return next((r["id"] for r in endpoint.resources if r["type"] == kind), None)


def endpoint(item: Endpoint) -> schemas.EndpointOut:
    return schemas.EndpointOut(
        site=item.site.name,
        cell=item.cell,
        cidr=item.cidr,
        network_id=_first(item, Kind.NETWORK),
        subnet_id=_first(item, Kind.SUBNET),
        router_id=_first(item, Kind.ROUTER),
        resources=[schemas.ResourceRef(type=r["type"], id=r["id"]) for r in item.resources],
    )


def connection(item: Connection) -> schemas.ConnectionOut:
    sides = {e.role: endpoint(e) for e in item.endpoints}
    return schemas.ConnectionOut(
        id=item.id,
        name=item.name,
        mode=item.mode,  # type: ignore[arg-type]
        technology=item.technology,  # type: ignore[arg-type]
        scope=item.scope,  # type: ignore[arg-type]
        state=item.state,
        local=sides["local"],
        remote=sides["remote"],
        parameters=item.parameters,
        primary=item.primary_role,  # type: ignore[arg-type]
        findings=item.findings,
        audited_at=item.audited_at,
        job_id=item.job_id,
        error=item.error,
        leftovers=[schemas.Leftover(**left) for left in item.leftovers],
        created_at=item.created_at,
        updated_at=item.updated_at,
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
