"""Request and response bodies of the v1 API (Pydantic), separate from the storage models."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from georedflow import technologies
from georedflow.services import requests

# The installed technologies (the registry's entry point names), as the API's choices,
# and the roles of a site's physical_networks they read ("dci", "cell", "l2gw"):
# Literals built when the API starts, strs to the type checker.
if TYPE_CHECKING:
    Technology = str
    PhysnetRole = str
else:
    Technology = Literal[technologies.names()]
    PhysnetRole = Literal[technologies.physnet_roles()]

Name = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Text = Annotated[str, StringConstraints(max_length=1024, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")]
Mode = Literal["hot", "warm", "cold"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteCreate(Strict):
    name: Name
    cloud: Name = Field(description="Entry of clouds.yaml with the site's credentials.")
    region: Name | None = None
    cell: Name | None = Field(None, description="Nova cell, for cell-scope connections.")
    external_network: Name | None = Field(None, description="Name or id; ipsec needs it.")
    physical_networks: dict[PhysnetRole, Name] = Field(
        default_factory=dict,
        description="Which physnet carries stretched VLANs (dci), which one the cell uses "
        "(cell), the L2 gateway's DEVICE/INTERFACE (l2gw): what a technology reads.",
    )
    description: Text = ""


class SiteUpdate(Strict):
    name: Name | None = None
    external_network: Name | None = None
    physical_networks: dict[PhysnetRole, Name] | None = None
    description: Text | None = None


class SiteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    cloud: str
    region: str | None
    cell: str | None
    external_network: str | None
    physical_networks: dict[str, str]
    description: str
    capabilities: list[str]
    status: str
    status_reason: str | None
    created_at: datetime
    updated_at: datetime


class EndpointIn(Strict):
    site: Name
    cidr: Annotated[str, StringConstraints(max_length=64)] | None = None
    cell: Name | None = None


Affinity = Literal["same_region", "other_region", "same_cloud", "other_cloud"]
SiteNames = Annotated[list[Name], Field(min_length=1, max_length=32)]


class RemoteEndpointIn(EndpointIn):
    """The backup end: one ``site``, or ``candidates`` (or ``any``) for georedflow to
    choose from by its documented rule, with an optional ``prefer`` order and affinity."""

    site: Name | None = None  # type: ignore[assignment]
    candidates: SiteNames | None = Field(
        None, description="Sites to choose the backup from (pre-flighted, then ranked)."
    )
    any: bool = Field(False, description="Choose among every registered site but the local one.")
    prefer: SiteNames | None = Field(None, description="Among feasible candidates, these first.")
    affinity: Affinity | None = Field(
        None, description="Where the backup should be relative to the local site."
    )


class ConnectionOptions(Strict):
    segmentation_id: Annotated[int, Field(ge=1, le=16777215)] | None = None
    mtu: Annotated[int, Field(ge=68, le=9216)] | None = None
    route_targets: (
        Annotated[
            list[Annotated[str, StringConstraints(pattern=r"^\d{1,10}:\d{1,10}$")]],
            Field(min_length=1, max_length=16),
        ]
        | None
    ) = None
    bandwidth_mbps: Annotated[int, Field(ge=1, le=400_000)] | None = None  # hot: required
    prebuild: bool | None = None  # cold: build the link at create instead of at activate
    activation_callback: (
        Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2048)] | None
    ) = None
    # How long a heartbeat keeps the primary's lease (default: [standby] lease_seconds).
    lease_seconds: Annotated[float, Field(ge=1, le=86_400)] | None = None
    auto_failover: bool | None = None  # activate the standby when the primary's lease expires


class ConnectionCreate(Strict):
    name: Name
    mode: Mode
    technology: Technology
    local: EndpointIn
    remote: RemoteEndpointIn
    options: ConnectionOptions = Field(default_factory=ConnectionOptions)

    def request(self) -> requests.ConnectionRequest:
        """The services' request: the same values, free of the HTTP body's types."""

        def names(values: list[str] | None) -> tuple[str, ...] | None:
            return tuple(values) if values is not None else None

        remote = self.remote
        options = self.options.model_dump()
        options["route_targets"] = names(options["route_targets"])
        return requests.ConnectionRequest(
            name=self.name,
            mode=self.mode,
            technology=str(self.technology),
            local=requests.EndpointRequest(**self.local.model_dump()),
            remote=requests.EndpointRequest(
                site=remote.site,
                cidr=remote.cidr,
                cell=remote.cell,
                candidates=names(remote.candidates),
                any=remote.any,
                prefer=names(remote.prefer),
                affinity=remote.affinity,
            ),
            options=requests.ConnectionOptions(**options),
        )


class ResourceRef(BaseModel):
    type: str
    id: str


class EndpointOut(BaseModel):
    site: str
    cell: str | None
    cidr: str | None
    network_id: str | None
    subnet_id: str | None
    router_id: str | None
    resources: list[ResourceRef]


class Leftover(BaseModel):
    site: str
    role: Literal["local", "remote"]
    type: str = Field(description="The Neutron resource kind (or router_interface, unknown).")
    id: str | None
    name: str | None = None


class SelectionEntry(BaseModel):
    site: str
    chosen: bool
    rank: int | None = Field(description="1 is the chosen one; None: refused.")
    reason: str


class ConnectionOut(BaseModel):
    id: str
    name: str
    mode: Mode
    technology: Technology
    scope: Literal["cell", "region", "cloud"]
    state: str
    local: EndpointOut
    remote: EndpointOut
    parameters: dict[str, Any]
    primary: Literal["local", "remote"]
    findings: list[dict[str, Any]]
    audited_at: datetime | None
    job_id: str | None
    error: str | None
    leftovers: list[Leftover] = Field(
        description="What a failed job could not remove from a site; a delete removes it."
    )
    selection: list[SelectionEntry] | None = Field(
        None, description="How the remote site was chosen among candidates (None: it was named)."
    )
    epoch: int = Field(
        description="The fencing token: one more with every activation. The primary sends "
        "it with its heartbeats; an older one is refused."
    )
    lease_expires_at: datetime | None = Field(
        description="Until when the primary's last heartbeat holds its lease (None: no lease)."
    )
    created_at: datetime
    updated_at: datetime


class SiteCheck(BaseModel):
    role: Literal["local", "remote"]
    site: str
    check: str


class PlannedEndpoint(BaseModel):
    site: str
    cell: str | None
    cidr: str
    allocation_pool: dict[str, str] | None
    physical_network: str | None
    makes: dict[str, int] = Field(description="Neutron resources the build makes there, by kind.")


class ConnectionPlan(BaseModel):
    """A dry run's answer: what a create would build; nothing was built or reserved."""

    name: str
    mode: Mode
    technology: Technology
    scope: Literal["cell", "region", "cloud"]
    local: PlannedEndpoint
    remote: PlannedEndpoint
    identifiers: dict[str, Any] = Field(
        description="segmentation_id and network_type, route_targets, mtu: what is agreed."
    )
    quota_headroom: int | None = Field(
        description="The least quota left on a site after the build (None: no limit)."
    )
    checks: list[SiteCheck]
    selection: list[SelectionEntry] | None


class ConfigVersion(BaseModel):
    connection_id: str
    version: int
    media_type: str
    size: int
    created_at: datetime


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    state: str
    site: str | None
    worker: str | None
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class JobError(BaseModel):
    message: str
    task: str | None = None
    rolled_back: bool = False


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    connection_id: str | None
    site_id: str | None
    state: Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"]
    progress: float
    tasks: list[TaskOut]
    attempts: int
    workers: list[str]
    error: JobError | None
    forced: bool = Field(description="An activation asked with force, over a live lease.")
    trigger: Literal["request", "lease_expired"] = Field(
        description="What started the job: a request, or the primary's expired lease."
    )
    created_at: datetime
    updated_at: datetime


class ActivateRequest(Strict):
    force: bool = Field(
        False, description="Fail over although the primary's lease is live (recorded on the job)."
    )


class Heartbeat(Strict):
    epoch: Annotated[int, Field(ge=1)] = Field(
        description="The epoch the sender holds as primary (the connection's, or the one its "
        "activation delivered in X-Georedflow-Epoch)."
    )


class Lease(BaseModel):
    connection_id: str
    epoch: int
    primary: Literal["local", "remote"]
    primary_site: str
    expires_at: datetime


class ConnectionAccepted(BaseModel):
    connection: ConnectionOut
    job: JobOut


class Link(BaseModel):
    rel: Literal["next"]
    href: str


Links = Annotated[
    list[Link], Field(description="A next link while the page is full (API-SIG); none after.")
]


class ConnectionList(BaseModel):
    connections: list[ConnectionOut]
    links: Links = []


class JobList(BaseModel):
    jobs: list[JobOut]
    links: Links = []


class SiteList(BaseModel):
    sites: list[SiteOut]
    links: Links = []


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {"application/problem+json": {"schema": Problem.model_json_schema()}},
    }
    for status, description in {
        400: "Malformed request (e.g. a body that is not JSON)",
        401: "No valid token",
        403: "The caller's roles do not allow this",
        404: "No such resource (or not visible to the caller)",
        405: "Method not allowed",
        409: "Conflicts with the current state",
        413: "Request body too large",
        422: "Invalid request; nothing was changed",
        500: "Internal error",
        502: "A cloud refused or failed a call",
        503: "A dependency does not answer",
    }.items()
}


# Subscriptions (webhooks)

EventType = Literal[
    "job.succeeded",
    "job.failed",
    "connection.state_changed",
    "connection.degraded",
    "connection.fenced",
]
MAX_CALLBACK_URI = 2048


def _callback_uri(value: str) -> str:
    """http(s) with a host; no credentials in it (they would show in listings and logs)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an http:// or https:// URI")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry credentials; set 'secret' to have requests signed")
    if parts.fragment:
        raise ValueError("must not have a #fragment")
    return value


CallbackUri = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_CALLBACK_URI, pattern=r"^[^\s\x00-\x1f\x7f]+$"),
    AfterValidator(_callback_uri),
]


class SubscriptionFilter(Strict):
    """What to receive; a criterion left out matches everything."""

    connection_ids: (
        Annotated[
            list[Annotated[str, StringConstraints(min_length=1, max_length=36)]],
            Field(min_length=1, max_length=100),
        ]
        | None
    ) = None
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=5)] | None = None


class SubscriptionCreate(Strict):
    callback_uri: CallbackUri = Field(description="Where events are POSTed (http or https).")
    filter: SubscriptionFilter = Field(default_factory=SubscriptionFilter)
    secret: Annotated[SecretStr, Field(min_length=16, max_length=255)] | None = Field(
        None,
        description="Signs every body (X-Georedflow-Signature: sha256=HMAC); never shown again.",
    )


class SubscriptionOut(BaseModel):
    id: str
    callback_uri: str
    filter: SubscriptionFilter
    signed: bool = Field(description="Whether a secret signs the requests (it is never shown).")
    created_at: datetime


class SubscriptionList(BaseModel):
    subscriptions: list[SubscriptionOut]
    links: Links = []
