"""What a caller asks of the services, as plain values: the API's bodies (or any other
front end's) are turned into these, so the services know nothing of HTTP."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ConnectionOptions:
    segmentation_id: int | None = None
    mtu: int | None = None
    route_targets: tuple[str, ...] | None = None
    bandwidth_mbps: int | None = None  # hot: required
    prebuild: bool | None = None  # cold: build the link at create instead of at activate
    activation_callback: str | None = None
    lease_seconds: float | None = None  # default: [standby] lease_seconds
    auto_failover: bool | None = None

    def stored(self) -> dict[str, Any]:
        """The options as the connection keeps them: those that were given."""
        given = {k: v for k, v in asdict(self).items() if v is not None}
        if "route_targets" in given:
            given["route_targets"] = list(given["route_targets"])
        return given


@dataclass(frozen=True)
class EndpointRequest:
    """One end. The remote one names a ``site``, or ``candidates`` (or ``any``) to choose
    the backup from, with an optional ``prefer`` order and ``affinity``."""

    site: str | None = None
    cidr: str | None = None
    cell: str | None = None
    candidates: tuple[str, ...] | None = None
    any: bool = False
    prefer: tuple[str, ...] | None = None
    affinity: str | None = None


@dataclass(frozen=True)
class ConnectionRequest:
    name: str
    mode: str
    technology: str
    local: EndpointRequest
    remote: EndpointRequest
    options: ConnectionOptions = field(default_factory=ConnectionOptions)

    def digest(self) -> str:
        """The same for the same request (an idempotent retry): what was given, in a
        canonical order, so that a new optional field left out changes nothing."""

        def given(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: given(v) for k, v in value.items() if v is not None and v is not False}
            if isinstance(value, (list, tuple)):
                return [given(v) for v in value]
            return value

        canonical = json.dumps(given(asdict(self)), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
