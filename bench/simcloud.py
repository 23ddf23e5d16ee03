"""A simulated cloud: Keystone and Neutron APIs that cost latency but no CPU.

    .venv/bin/python -m bench.simcloud --directory DIR [--latency-ms 50]

A SIMULATION, not OpenStack: one asyncio process (standard library only) answers the
Keystone v3 and Neutron v2.0 calls georedflow makes, from dicts in memory. Every
Neutron request waits ``--latency-ms`` in ``asyncio.sleep`` and then answers, so a
benchmark against it measures georedflow, not the cloud. Like the lab it has two
Keystones (``a`` with RegionOne and RegionTwo, ``b`` with RegionOne) and three
Neutrons (east, west, far), each on its own port; it writes a clouds.yaml naming
``lab-east``, ``lab-west`` and ``lab-far`` into DIR and prints one JSON line (the
ports and that file) when it is ready.

Every port also answers, without latency or authentication:

    GET /_sim/requests   the request log: site, method, path, start, end (epoch
                         seconds), status and the connection id when one can be
                         derived (a georedflow name or tag in the query or body, or
                         the owner of the resource the path names)
    GET /_sim/stats      {"cpu_seconds": ..., "requests": ...} of this process
    PUT /_sim/latency    {"ms": N}
"""

import argparse
import asyncio
import functools
import http
import ipaddress
import json
import re
import resource
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
PROJECT_ID = uuid.uuid4().hex
KEYSTONES = {"a": ("RegionOne", "RegionTwo"), "b": ("RegionOne",)}
# Neutron: (Keystone, region, the CIDR of its external network "public")
NEUTRONS = {
    "east": ("a", "RegionOne", "172.24.4.0/24"),
    "west": ("a", "RegionTwo", "172.24.5.0/24"),
    "far": ("b", "RegionOne", "172.24.6.0/24"),
}
CLOUDS = {
    "lab-east": ("a", "RegionOne"),
    "lab-west": ("a", "RegionTwo"),
    "lab-far": ("b", "RegionOne"),
}
EXTENSIONS = (
    "bgpvpn", "external-net", "provider", "qos", "router", "segment",
    "standard-attr-tag", "vpnaas",
)  # fmt: skip
# URL collection (after /v2.0/) -> (JSON key of one, JSON key of many)
COLLECTIONS = {
    "networks": ("network", "networks"),
    "subnets": ("subnet", "subnets"),
    "segments": ("segment", "segments"),
    "routers": ("router", "routers"),
    "ports": ("port", "ports"),
    "vpn/ikepolicies": ("ikepolicy", "ikepolicies"),
    "vpn/ipsecpolicies": ("ipsecpolicy", "ipsecpolicies"),
    "vpn/vpnservices": ("vpnservice", "vpnservices"),
    "vpn/endpoint-groups": ("endpoint_group", "endpoint_groups"),
    "vpn/ipsec-site-connections": ("ipsec_site_connection", "ipsec_site_connections"),
    "bgpvpn/bgpvpns": ("bgpvpn", "bgpvpns"),
    "qos/policies": ("policy", "policies"),
}
# Sub-collections of one resource: /v2.0/<parent>/<id>/<child>
CHILDREN = {
    ("bgpvpn/bgpvpns", "network_associations"): ("network_association", "network_associations"),
    ("qos/policies", "bandwidth_limit_rules"): ("bandwidth_limit_rule", "bandwidth_limit_rules"),
}
# Tag API path -> collection: Neutron's tag API names QoS policies just "policies".
TAG_PATHS = {
    "networks": "networks", "subnets": "subnets", "routers": "routers", "policies": "qos/policies",
}  # fmt: skip
_CONNECTION = re.compile(r"georedflow(?:-|:conn=)([0-9a-f]{8}-[0-9a-f-]{27})")
NEVER_FILTERED = {"fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse"}


class NeutronError(Exception):
    """An error answer, in Neutron's JSON shape."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message

    def body(self) -> dict[str, Any]:
        return {"NeutronError": {"type": self.kind, "message": self.message, "detail": ""}}


def _split(path: str) -> tuple[str, str | None, str | None, str | None]:
    """/v2.0/<collection>[/<id>[/<rest>[/<child id>]]], a collection being one or two parts."""
    parts = [p for p in path.removeprefix("/v2.0/").split("/") if p]
    if len(parts) > 1 and "/".join(parts[:2]) in COLLECTIONS:
        parts = ["/".join(parts[:2]), *parts[2:]]
    if not parts or len(parts) > 4:
        raise NeutronError(404, "HTTPNotFound", f"The resource could not be found: {path}")
    collection, rid, rest, child_id = (parts + [None] * 3)[:4]
    return str(collection), rid, rest, child_id


def connection_of(*texts: str) -> str | None:
    """The georedflow connection id named in a name or tag, if any."""
    for text in texts:
        if found := _CONNECTION.search(text):
            return found.group(1)
    return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _matches(item: dict[str, Any], key: str, wanted: list[str]) -> bool:
    if key == "tags":
        return all(set(w.split(",")) <= set(item.get("tags", [])) for w in wanted)
    if key == "tags-any":
        return any(set(w.split(",")) & set(item.get("tags", [])) for w in wanted)
    value = item.get(key)
    if isinstance(value, bool):
        return any(w.lower() == str(value).lower() for w in wanted)
    return value is not None and str(value) in wanted


@dataclass
class Neutron:
    """One Neutron's resources, in memory, answering as Neutron does."""

    public_cidr: str
    url: str = ""  # where it answers, for its version document
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # resource id -> connection id
    _next_host: int = 10
    _next_segmentation_id: int = 100

    def __post_init__(self) -> None:
        for collection in [*COLLECTIONS, *(child for _, child in CHILDREN)]:
            self.tables.setdefault(collection, {})
        public = self._insert(
            "networks",
            {"name": "public", "router:external": True, "provider:network_type": "flat",
             "provider:physical_network": "external"},
        )  # fmt: skip
        gateway = str(next(ipaddress.ip_network(self.public_cidr).hosts()))
        self.public_subnet = self._insert(
            "subnets",
            {"name": "public-subnet", "network_id": public["id"], "cidr": self.public_cidr,
             "gateway_ip": gateway, "ip_version": 4},
        )  # fmt: skip

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        """(status, JSON body or None) for one request; raises NeutronError."""
        if path in ("", "/"):
            links = [{"rel": "self", "href": f"{self.url}/v2.0/"}]
            return 200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": links}]}
        if path.rstrip("/") == "/v2.0":
            return 200, {
                "resources": [{"name": k[1], "collection": k[1]} for k in COLLECTIONS.values()]
            }
        if path.rstrip("/") == "/v2.0/extensions":
            return 200, {
                "extensions": [{"alias": a, "name": a, "description": ""} for a in EXTENSIONS]
            }
        collection, rid, rest, child_id = _split(path)
        if collection in TAG_PATHS and rest == "tags" and rid:
            return self._tags(TAG_PATHS[collection], rid, method, body)
        if (
            collection == "routers"
            and rid
            and rest in ("add_router_interface", "remove_router_interface")
        ):
            return self._interface(rid, rest.startswith("add"), body)
        if rest and (collection, rest) in CHILDREN and rid:
            self._get(collection, rid)
            return self._crud(rest, method, child_id, query, body, parent=(collection, rid))
        if collection not in COLLECTIONS or rest:
            raise NeutronError(404, "HTTPNotFound", f"The resource could not be found: {path}")
        return self._crud(collection, method, rid, query, body)

    def _crud(
        self,
        collection: str,
        method: str,
        rid: str | None,
        query: dict[str, list[str]],
        body: Any,
        parent: tuple[str, str] | None = None,
    ) -> tuple[int, Any]:
        one, many = self._keys(collection)
        if rid is None and method == "GET":
            items = [
                item
                for item in self.tables[collection].values()
                if (parent is None or item.get("_parent") == parent[1])
                and all(_matches(item, k, v) for k, v in query.items() if k not in NEVER_FILTERED)
            ]
            return 200, {many: [self._shown(i) for i in items]}
        if rid is None and method == "POST":
            if not isinstance(body, dict) or not isinstance(body.get(one), dict):
                raise NeutronError(400, "HTTPBadRequest", f"Resource body required: {one}")
            attrs = dict(body[one])
            if parent:
                attrs["_parent"] = parent[1]
            return 201, {one: self._shown(self._create(collection, attrs))}
        if rid is None:
            raise NeutronError(405, "HTTPMethodNotAllowed", f"{method} not allowed")
        item = self._get(collection, rid)
        if method == "GET":
            if item.get("status") == "PENDING_CREATE":
                item["status"] = "ACTIVE"  # came up by the first look after its create
            return 200, {one: self._shown(item)}
        if method == "PUT":
            update = (body or {}).get(one) or {}
            item.update(update, updated_at=_now())
            if collection == "routers" and update.get("external_gateway_info") == {}:
                item["external_gateway_info"] = None
            return 200, {one: self._shown(item)}
        if method == "DELETE":
            self._delete(collection, item)
            return 204, None
        raise NeutronError(405, "HTTPMethodNotAllowed", f"{method} not allowed")

    def _keys(self, collection: str) -> tuple[str, str]:
        if collection in COLLECTIONS:
            return COLLECTIONS[collection]
        return next(keys for (_, child), keys in CHILDREN.items() if child == collection)

    def _get(self, collection: str, rid: str) -> dict[str, Any]:
        item = self.tables[collection].get(rid)
        if item is None:
            kind = "".join(p.capitalize() for p in self._keys(collection)[0].split("_"))
            raise NeutronError(404, f"{kind}NotFound", f"{kind} {rid} could not be found.")
        return item

    def _insert(self, collection: str, attrs: dict[str, Any]) -> dict[str, Any]:
        stamp = _now()
        item = {
            "id": str(uuid.uuid4()),
            "name": "",
            "description": "",
            "project_id": PROJECT_ID,
            "tenant_id": PROJECT_ID,
            "status": "ACTIVE",
            "admin_state_up": True,
            "created_at": stamp,
            "updated_at": stamp,
            "revision_number": 0,
            **attrs,
        }
        if collection in ("networks", "subnets", "routers", "qos/policies"):
            item.setdefault("tags", [])
        self.tables[collection][item["id"]] = item
        return item

    def _create(self, collection: str, attrs: dict[str, Any]) -> dict[str, Any]:
        if collection == "networks":
            attrs.setdefault("router:external", False)
            attrs.setdefault("mtu", 1450)
            attrs.setdefault("subnets", [])
            if attrs.get("provider:network_type") and "provider:segmentation_id" not in attrs:
                attrs["provider:segmentation_id"] = self._next_segmentation_id
                self._next_segmentation_id += 1
        elif collection == "subnets":
            network = self._get("networks", str(attrs.get("network_id")))
            cidr = ipaddress.ip_network(str(attrs.get("cidr")), strict=False)
            if "gateway_ip" not in attrs:
                attrs["gateway_ip"] = str(next(cidr.hosts()))
            attrs.setdefault("ip_version", cidr.version)
        elif collection == "routers":
            attrs["external_gateway_info"] = self._gateway(attrs.get("external_gateway_info"))
        elif collection == "vpn/ipsec-site-connections":
            attrs["status"] = "PENDING_CREATE"
        elif collection == "segments":
            self._get("networks", str(attrs.get("network_id")))
        item = self._insert(collection, attrs)
        if collection == "subnets":
            network["subnets"].append(item["id"])
        if owner := connection_of(str(attrs.get("name", ""))):
            self.owners[item["id"]] = owner
        return item

    def _gateway(self, info: Any) -> dict[str, Any] | None:
        if not isinstance(info, dict) or not info.get("network_id"):
            return None
        self._get("networks", info["network_id"])
        address = ipaddress.ip_network(self.public_cidr)[self._next_host]
        self._next_host += 1
        fixed = [{"subnet_id": self.public_subnet["id"], "ip_address": str(address)}]
        return {"network_id": info["network_id"], "enable_snat": True, "external_fixed_ips": fixed}

    def _delete(self, collection: str, item: dict[str, Any]) -> None:
        if collection == "routers" and any(
            p["device_id"] == item["id"] for p in self.tables["ports"].values()
        ):
            raise NeutronError(409, "RouterInUse", f"Router {item['id']} still has ports")
        if collection == "networks":
            for subnet_id in item.get("subnets", []):
                self.tables["subnets"].pop(subnet_id, None)
            for segment in list(self.tables["segments"].values()):
                if segment.get("network_id") == item["id"]:
                    del self.tables["segments"][segment["id"]]
        if collection == "subnets":
            network = self.tables["networks"].get(item["network_id"])
            if network and item["id"] in network["subnets"]:
                network["subnets"].remove(item["id"])
        del self.tables[collection][item["id"]]
        self.owners.pop(item["id"], None)

    def _tags(self, collection: str, rid: str, method: str, body: Any) -> tuple[int, Any]:
        item = self._get(collection, rid)
        if method == "PUT":
            item["tags"] = list((body or {}).get("tags", []))
        elif method != "GET":
            raise NeutronError(405, "HTTPMethodNotAllowed", f"{method} not allowed")
        return 200, {"tags": item["tags"]}

    def _interface(self, router_id: str, add: bool, body: Any) -> tuple[int, Any]:
        self._get("routers", router_id)
        subnet = self._get("subnets", str((body or {}).get("subnet_id")))
        ports = [
            p
            for p in self.tables["ports"].values()
            if p["device_id"] == router_id and p["fixed_ips"][0]["subnet_id"] == subnet["id"]
        ]
        if add:
            port = self._insert(
                "ports",
                {"network_id": subnet["network_id"], "device_id": router_id,
                 "device_owner": "network:router_interface",
                 "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]}]},
            )  # fmt: skip
        elif ports:
            port = ports[0]
            del self.tables["ports"][port["id"]]
        else:
            raise NeutronError(
                404, "RouterInterfaceNotFoundForSubnet",
                f"Router {router_id} has no interface on subnet {subnet['id']}",
            )  # fmt: skip
        answer = {"id": router_id, "subnet_id": subnet["id"], "subnet_ids": [subnet["id"]],
                  "port_id": port["id"], "network_id": subnet["network_id"]}  # fmt: skip
        return 200, answer

    def _shown(self, item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if not k.startswith("_")}

    def owner(self, path: str) -> str | None:
        """The connection that owns a resource named in ``path``."""
        for rid in re.findall(r"[0-9a-f]{8}-[0-9a-f-]{27}", path):
            if rid in self.owners:
                return self.owners[rid]
        return None


def token(keystone: str, base_urls: dict[str, str], keystone_url: str) -> dict[str, Any]:
    """A Keystone v3 token body whose catalog names the Neutrons of ``keystone``."""
    networks = [
        {"id": uuid.uuid4().hex, "interface": interface, "region": region, "region_id": region,
         "url": base_urls[name]}
        for name, (ks, region, _) in NEUTRONS.items()
        if ks == keystone
        for interface in ("public", "internal", "admin")
    ]  # fmt: skip
    identity = [
        {"id": uuid.uuid4().hex, "interface": interface, "region": region, "region_id": region,
         "url": f"{keystone_url}/v3"}
        for region in KEYSTONES[keystone]
        for interface in ("public", "internal", "admin")
    ]  # fmt: skip
    now = datetime.now(UTC)
    return {
        "token": {
            "methods": ["password"],
            "issued_at": now.isoformat(),
            "expires_at": (now + timedelta(hours=12)).isoformat(),
            "user": {
                "id": "admin",
                "name": "admin",
                "domain": {"id": "default", "name": "Default"},
            },
            "project": {
                "id": PROJECT_ID,
                "name": "admin",
                "domain": {"id": "default", "name": "Default"},
            },
            "roles": [{"id": "admin", "name": "admin"}, {"id": "member", "name": "member"}],
            "catalog": [
                {
                    "id": uuid.uuid4().hex,
                    "type": "network",
                    "name": "neutron",
                    "endpoints": networks,
                },
                {
                    "id": uuid.uuid4().hex,
                    "type": "identity",
                    "name": "keystone",
                    "endpoints": identity,
                },
            ],
        }
    }


@dataclass
class Record:
    """One request, as the simulated cloud saw it."""

    site: str
    method: str
    path: str
    start: float
    end: float
    status: int
    connection: str | None


def critical_path(records: Iterable[Record]) -> list[Record]:
    """The longest chain of calls that had to wait for each other.

    Two calls that overlap in time ran in parallel; a call that started after another
    ended may have waited for it. A chain is a sequence of calls each starting after the
    previous one ended, and the longest one is the largest set of pairwise
    non-overlapping calls: taken greedily by earliest end (interval scheduling, exact).
    """
    chain: list[Record] = []
    for record in sorted(records, key=lambda r: r.end):
        if not chain or record.start >= chain[-1].end:
            chain.append(record)
    return chain


@dataclass
class SimCloud:
    """The Keystones and Neutrons of the simulation, one asyncio server per port."""

    latency: float  # seconds added to every Neutron request
    neutrons: dict[str, Neutron] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)  # "keystone-a", "neutron-east": URL
    log: list[Record] = field(default_factory=list)
    servers: list[asyncio.Server] = field(default_factory=list)

    async def start(self, host: str = HOST) -> None:
        names = [f"keystone-{k}" for k in KEYSTONES] + [f"neutron-{n}" for n in NEUTRONS]
        for name in names:
            server = await asyncio.start_server(functools.partial(self._serve, name), host, 0)
            self.servers.append(server)
            self.urls[name] = f"http://{host}:{server.sockets[0].getsockname()[1]}"
        for name, (_, _, cidr) in NEUTRONS.items():
            self.neutrons[name] = Neutron(cidr, url=self.urls[f"neutron-{name}"])

    def clouds_yaml(self) -> str:
        lines = ["clouds:"]
        for cloud, (keystone, region) in CLOUDS.items():
            lines += [
                f"  {cloud}:",
                "    auth:",
                f"      auth_url: {self.urls[f'keystone-{keystone}']}/v3",
                "      username: admin",
                "      password: simulated",
                "      project_name: admin",
                "      user_domain_name: Default",
                "      project_domain_name: Default",
                "    auth_type: password",
                f"    region_name: {region}",
                "    interface: public",
                "    identity_api_version: 3",
            ]
        return "\n".join(lines) + "\n"

    async def _serve(
        self, name: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while (request := await _read_request(reader)) is not None:
                method, target, headers, raw = request
                status, payload, extra = await self.answer(name, method, target, raw)
                keep_alive = headers.get("connection", "").lower() != "close"
                writer.write(_response(status, payload, extra, keep_alive))
                await writer.drain()
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    async def answer(
        self, name: str, method: str, target: str, raw: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body, extra headers) of one request to server ``name``."""
        start = time.time()
        split = urllib.parse.urlsplit(target)
        path, query = split.path, urllib.parse.parse_qs(split.query, keep_blank_values=True)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return 400, NeutronError(400, "HTTPBadRequest", "invalid JSON").body(), {}
        if path.startswith("/_sim/"):
            return self._control(method, path, query, body)
        kind, short = name.split("-", 1)
        if kind == "keystone":
            return _keystone(short, method, path, self.urls)
        neutron = self.neutrons[short]
        connection = connection_of(urllib.parse.unquote(split.query), raw.decode()) or (
            neutron.owner(path)
        )
        await asyncio.sleep(self.latency)  # the cloud's time: no CPU
        try:
            status, payload = neutron.handle(method, path, query, body)
        except NeutronError as error:
            status, payload = error.status, error.body()
        self.log.append(Record(short, method, path, start, time.time(), status, connection))
        return status, payload, {}

    def _control(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path == "/_sim/requests":
            since = int(query.get("since", ["0"])[0])
            return 200, {"requests": [asdict(r) for r in self.log[since:]]}, {}
        if method == "GET" and path == "/_sim/stats":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            stats = {"cpu_seconds": usage.ru_utime + usage.ru_stime, "requests": len(self.log)}
            return 200, stats, {}
        if method == "PUT" and path == "/_sim/latency":
            self.latency = float((body or {}).get("ms", 0)) / 1000
            return 200, {"ms": self.latency * 1000}, {}
        return 404, {"error": f"no such control path: {method} {path}"}, {}


def _keystone(
    keystone: str, method: str, path: str, urls: dict[str, str]
) -> tuple[int, Any, dict[str, str]]:
    base = urls[f"keystone-{keystone}"]
    version = {
        "id": "v3.14",
        "status": "stable",
        "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": f"{base}/v3/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
        ],
    }
    path = path.rstrip("/")
    if method == "GET" and path == "":
        return 300, {"versions": {"values": [version]}}, {}
    if method == "GET" and path == "/v3":
        return 200, {"version": version}, {}
    if path == "/v3/auth/tokens" and method in ("POST", "GET"):
        neutron_urls = {n: urls[f"neutron-{n}"] for n in NEUTRONS}
        status = 201 if method == "POST" else 200
        return status, token(keystone, neutron_urls, base), {"X-Subject-Token": uuid.uuid4().hex}
    return 404, {"error": {"code": 404, "message": f"{path} not found", "title": "Not Found"}}, {}


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes] | None:
    """One HTTP/1.1 request (Content-Length bodies only), or None at end of stream."""
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        key, _, value = header.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    raw = await reader.readexactly(length) if length else b""
    return method, target, headers, raw


def _response(status: int, payload: Any, extra: dict[str, str], keep_alive: bool) -> bytes:
    body = b"" if payload is None else json.dumps(payload).encode()
    head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}"]
    if payload is not None:
        head.append("Content-Type: application/json")
    head += [
        f"Content-Length: {len(body)}",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
    ]
    head += [f"{k}: {v}" for k, v in extra.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


async def _main(directory: Path, latency_ms: float, host: str) -> None:
    cloud = SimCloud(latency=latency_ms / 1000)
    await cloud.start(host)
    clouds = directory / "clouds.yaml"
    clouds.write_text(cloud.clouds_yaml())
    print(json.dumps({"clouds": str(clouds), "urls": cloud.urls}), flush=True)
    await asyncio.gather(*(server.serve_forever() for server in cloud.servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, required=True, help="where clouds.yaml goes")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--host", default=HOST)
    args = parser.parse_args()
    try:
        asyncio.run(_main(args.directory, args.latency_ms, args.host))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
