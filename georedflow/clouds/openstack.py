"""The production driver: openstacksdk, one Connection per site, created once and reused."""

import threading
from typing import Any

import openstack.config
import openstack.connection
import tenacity
from openstack import exceptions as os_exc

from georedflow import exceptions as exc
from georedflow import logs
from georedflow.clouds.driver import Resource
from georedflow.clouds.errors import translated
from georedflow.clouds.facts import SiteFacts
from georedflow.clouds.kinds import KINDS, Kind
from georedflow.clouds.retry import Attempts, RetryPolicy, retried

_FIRST_POLL = 0.25  # seconds before the second look at a status; doubled after each
_LONGEST_POLL = 4.0


def _plain(resource: Any) -> Resource:
    plain: Resource = resource.to_dict(
        body=True, headers=False, computed=False, original_names=True
    )
    plain.pop("location", None)
    return plain


def _last_result(state: tenacity.RetryCallState) -> Any:
    """What the last poll saw, when polling stops for time."""
    assert state.outcome is not None
    return state.outcome.result()


class OpenStackDriver:
    """A ``SiteDriver`` over one openstacksdk Connection."""

    def __init__(
        self,
        site: str,
        connection: openstack.connection.Connection,
        retry_policy: RetryPolicy | None = None,
        facts_max_age: float = 0.0,
    ) -> None:
        self.site = site
        self._connection = connection
        self._network = connection.network
        self.retry_policy = retry_policy or RetryPolicy()
        self.attempts = Attempts()
        self._facts = SiteFacts(facts_max_age)

    def _call(self, operation: str, method: str, *args: Any, **kwargs: Any) -> Any:
        with translated(self.site, operation):
            return getattr(self._network, method)(*args, **kwargs)

    def _rest(self, operation: str, method: str, path: str, **kwargs: Any) -> Any:
        """A call of Neutron's REST API itself, for what openstacksdk has no proxy for
        (networking-l2gw): the JSON answer, errors translated as the proxy's are."""
        with translated(self.site, operation):
            answer = getattr(self._network, method)(path, **kwargs)
            os_exc.raise_from_response(answer)
            return answer.json() if answer.content else None

    def _member(self, kind: Kind) -> tuple[str, str]:
        """A REST kind's collection path and its member's key in the bodies."""
        info = KINDS[kind]
        return f"/{info.rest}", info.plural.removesuffix("s")

    def extensions(self, cached: bool = False) -> list[str]:
        return self._facts.get("extensions", self._read_extensions, cached=cached)

    @retried(lambda: "list extensions")
    def _read_extensions(self) -> list[str]:
        with translated(self.site, "list extensions"):
            return sorted(ext.alias for ext in self._network.extensions())

    def external_networks(self, cached: bool = False) -> list[Resource]:
        return self._facts.get("external networks", self._read_external_networks, cached=cached)

    def _read_external_networks(self) -> list[Resource]:
        networks = self.query(Kind.NETWORK, **{"router:external": True})
        return [{"id": n["id"], "name": n.get("name")} for n in networks]

    def _retrying(self) -> bool:
        """Inside a retry loop's second or later attempt: the last one may have done it."""
        return self.attempts.number > 1

    @retried(lambda kind, attrs: f"create {kind}")
    def create(self, kind: Kind, attrs: dict[str, Any]) -> Resource:
        tags = list(attrs.get("tags") or [])
        # Tags in the POST body are refused by some Neutron set-ups even with
        # 'tag-creation' (the lab's: "Attribute 'tags' not allowed in POST");
        # tagging the new resource works everywhere.
        body = {k: v for k, v in attrs.items() if k != "tags"}
        created = None
        if self._retrying() and body.get("name"):
            # The last attempt's answer may have been lost after Neutron made it.
            created = self.find(kind, body["name"])
        if created is None and KINDS[kind].rest:
            path, member = self._member(kind)
            created = self._rest(f"create {kind}", "post", path, json={member: body})[member]
        elif created is None:
            created = _plain(self._call(f"create {kind}", f"create_{kind}", **body))
        if tags and not set(tags) <= set(created.get("tags") or []):
            created["tags"] = self.set_tags(kind, created["id"], tags)
        return created

    @retried(lambda kind, resource_id, attrs: f"update {kind}")
    def update(self, kind: Kind, resource_id: str, attrs: dict[str, Any]) -> Resource:
        return _plain(self._call(f"update {kind}", f"update_{kind}", resource_id, **attrs))

    @retried(lambda policy_id, max_kbps, look_first=True: "ensure QoS rule")
    def ensure_bandwidth_limit(
        self, policy_id: str, max_kbps: int, look_first: bool = True
    ) -> Resource:
        rules = []
        if look_first or self._retrying():
            with translated(self.site, "list QoS rules"):
                rules = list(self._network.qos_bandwidth_limit_rules(policy_id))
        if rules and rules[0].max_kbps == max_kbps:
            return _plain(rules[0])
        if rules:
            return _plain(
                self._call(
                    "update QoS rule",
                    "update_qos_bandwidth_limit_rule",
                    rules[0],
                    policy_id,
                    max_kbps=max_kbps,
                )
            )
        return _plain(
            self._call(
                "create QoS rule", "create_qos_bandwidth_limit_rule", policy_id, max_kbps=max_kbps
            )
        )

    @retried(lambda kind, resource_id, tags: f"tag {kind}")
    def set_tags(self, kind: Kind, resource_id: str, tags: list[str]) -> list[str]:
        # One PUT, and Neutron's answer read: openstacksdk's set_tags needs the resource
        # fetched first, and QoSPolicy.set_tags drops the answer, an error as much as a
        # success (a failed tagging passed unseen).
        with translated(self.site, f"tag {kind}"):
            answer = self._network.put(
                f"/{KINDS[kind].tags_path}/{resource_id}/tags", json={"tags": list(tags)}
            )
            os_exc.raise_from_response(answer)
            return list(answer.json().get("tags", tags))

    @retried(lambda kind, name: f"find {kind}")
    def find(self, kind: Kind, name: str) -> Resource | None:
        if KINDS[kind].name_filter:
            found = self.query(kind, name=name)
        else:
            found = [r for r in self.query(kind) if r.get("name") == name]
        return found[0] if found else None

    @retried(lambda kind, resource_id: f"get {kind}")
    def get(self, kind: Kind, resource_id: str) -> Resource | None:
        try:
            if KINDS[kind].rest:
                path, member = self._member(kind)
                found: Resource = self._rest(f"get {kind}", "get", f"{path}/{resource_id}")[member]
                return found
            return _plain(self._call(f"get {kind}", f"get_{kind}", resource_id))
        except exc.CloudResourceNotFound:
            return None

    @retried(lambda kind: f"list {kind}")
    def query(self, kind: Kind, **filters: Any) -> list[Resource]:
        method = KINDS[kind].plural
        if KINDS[kind].rest:
            path, _member = self._member(kind)
            listed: list[Resource] = self._rest(f"list {method}", "get", path, params=filters)[
                method
            ]
            return listed
        with translated(self.site, f"list {method}"):
            return [_plain(r) for r in getattr(self._network, method)(**filters)]

    @retried(lambda: "read quota details")
    def quota_details(self) -> dict[str, dict[str, int]] | None:
        with translated(self.site, "read quota details"):
            # The project the site's credentials are scoped to: what georedflow builds
            # counts against it. No proxy method reads the details (get_quota's
            # details=True returns a resource that drops the unknown VPN keys).
            project = self._connection.current_project_id
            answer = self._network.get(f"/quotas/{project}/details")
            if answer.status_code == 404:
                return None  # no quota_details extension
            os_exc.raise_from_response(answer)
            return dict(answer.json()["quota"])

    @retried(lambda kind, resource_id: f"delete {kind}")
    def delete(self, kind: Kind, resource_id: str) -> bool:
        try:
            if kind is Kind.ROUTER:
                # A router with a gateway cannot go; clearing it first makes delete one step.
                self._call(
                    "clear router gateway", "update_router", resource_id, external_gateway_info={}
                )
            if KINDS[kind].rest:
                path, _member = self._member(kind)
                self._rest(f"delete {kind}", "delete", f"{path}/{resource_id}")
            else:
                self._call(f"delete {kind}", f"delete_{kind}", resource_id, ignore_missing=False)
        except exc.CloudResourceNotFound:
            return False
        return True

    @retried(lambda gateway_id, network_id, segmentation_id, look_first=True: "connect l2 gateway")
    def connect_l2_gateway(
        self, gateway_id: str, network_id: str, segmentation_id: int, look_first: bool = True
    ) -> Resource:
        if look_first or self._retrying():
            for connection in self.l2_gateway_connections(gateway_id):
                if connection.get("network_id") == network_id:
                    return connection
        body = {
            "l2_gateway_id": gateway_id,
            "network_id": network_id,
            "segmentation_id": str(segmentation_id),  # a string to networking-l2gw
        }
        answer = self._rest(
            "connect l2 gateway",
            "post",
            "/l2-gateway-connections",
            json={"l2_gateway_connection": body},
        )
        connected: Resource = answer["l2_gateway_connection"]
        return connected

    @retried(lambda gateway_id: "list l2 gateway connections")
    def l2_gateway_connections(self, gateway_id: str) -> list[Resource]:
        answer = self._rest(
            "list l2 gateway connections",
            "get",
            "/l2-gateway-connections",
            params={"l2_gateway_id": gateway_id},
        )
        listed: list[Resource] = answer["l2_gateway_connections"]
        return listed

    @retried(lambda gateway_id, network_id: "disconnect l2 gateway")
    def disconnect_l2_gateway(self, gateway_id: str, network_id: str) -> bool:
        for connection in self.l2_gateway_connections(gateway_id):
            if connection.get("network_id") == network_id:
                try:
                    self._rest(
                        "disconnect l2 gateway",
                        "delete",
                        f"/l2-gateway-connections/{connection['id']}",
                    )
                except exc.CloudResourceNotFound:
                    return False
                return True
        return False

    @retried(lambda router_id, subnet_id, look_first=True: "add router interface")
    def add_router_interface(self, router_id: str, subnet_id: str, look_first: bool = True) -> None:
        if (look_first or self._retrying()) and subnet_id in self.router_interface_subnets(
            router_id
        ):
            return
        self._call("add router interface", "add_interface_to_router", router_id, subnet=subnet_id)

    @retried(lambda router_id, subnet_id: "remove router interface")
    def remove_router_interface(self, router_id: str, subnet_id: str) -> bool:
        try:
            self._call(
                "remove router interface",
                "remove_interface_from_router",
                router_id,
                subnet=subnet_id,
            )
        except exc.CloudResourceNotFound:
            return False
        return True

    @retried(lambda router_id: "list router ports")
    def router_interface_subnets(self, router_id: str) -> list[str]:
        with translated(self.site, "list router ports"):
            ports = self._network.ports(
                device_id=router_id, device_owner="network:router_interface"
            )
            return [ip["subnet_id"] for port in ports for ip in port.fixed_ips]

    @retried(lambda bgpvpn_id, network_id, look_first=True: "associate network")
    def associate_network(
        self, bgpvpn_id: str, network_id: str, look_first: bool = True
    ) -> Resource:
        if look_first or self._retrying():
            for association in self.network_associations(bgpvpn_id):
                if association.get("network_id") == network_id:
                    return association
        return _plain(
            self._call(
                "associate network",
                "create_bgpvpn_network_association",
                bgpvpn_id,
                network_id=network_id,
            )
        )

    @retried(lambda bgpvpn_id: "list network associations")
    def network_associations(self, bgpvpn_id: str) -> list[Resource]:
        with translated(self.site, "list network associations"):
            return [_plain(a) for a in self._network.bgpvpn_network_associations(bgpvpn_id)]

    @retried(lambda bgpvpn_id, network_id: "remove network association")
    def disassociate_network(self, bgpvpn_id: str, network_id: str) -> bool:
        for association in self.network_associations(bgpvpn_id):
            if association.get("network_id") == network_id:
                try:
                    self._call(
                        "remove network association",
                        "delete_bgpvpn_network_association",
                        bgpvpn_id,
                        association["id"],
                        ignore_missing=False,
                    )
                except exc.CloudResourceNotFound:
                    return False
                return True
        return False

    def wait_for_status(
        self, kind: Kind, resource_id: str, status: str, *, timeout: float
    ) -> Resource:
        # Polled with back-off: the first look comes soon, a slow backend is not hammered.
        polls = tenacity.Retrying(
            retry=tenacity.retry_if_result(lambda resource: resource.get("status") != status),
            wait=tenacity.wait_exponential(multiplier=_FIRST_POLL, max=_LONGEST_POLL),
            stop=tenacity.stop_after_delay(timeout),
            retry_error_callback=_last_result,
        )
        resource: Resource = polls(self._status_of, kind, resource_id, status)
        if resource.get("status") != status:
            raise exc.CloudTimeout(
                f"{kind} {resource_id} is still {resource.get('status')} after "
                f"{timeout:.0f} s (waited for {status})",
                site=self.site,
                operation=f"wait for {kind}",
            )
        return resource

    def _status_of(self, kind: Kind, resource_id: str, status: str) -> Resource:
        resource = self.get(kind, resource_id)
        if resource is None:
            raise exc.CloudResourceNotFound(
                f"{kind} {resource_id} vanished while waiting for {status}",
                site=self.site,
                operation=f"wait for {kind}",
            )
        if resource.get("status") == "ERROR":
            raise exc.CloudError(
                f"{kind} {resource_id} went to ERROR instead of {status}",
                site=self.site,
                operation=f"wait for {kind}",
            )
        return resource


class _Connection(openstack.connection.Connection):
    """A Connection whose global request id is the one of the request being served (or
    of the job being run), read at each call: one Connection serves every job's thread,
    and openstacksdk reads ``_global_request_id`` for each request it sends."""

    @property
    def _global_request_id(self) -> str | None:
        return logs.REQUEST_ID.get()

    @_global_request_id.setter
    def _global_request_id(self, _value: str | None) -> None:
        pass  # set by Connection's constructor: the context decides instead


class Clouds:
    """Opens one driver per (cloud, region) on first use and keeps it."""

    def __init__(
        self,
        config_file: str | None = None,
        api_timeout: float = 30.0,
        retry_policy: RetryPolicy | None = None,
        facts_max_age: float = 0.0,
    ) -> None:
        # A configured file is the only one: openstacksdk would otherwise put the file of
        # $OS_CLIENT_CONFIG_FILE before it (found when an operator's shell had it set).
        self._config = openstack.config.OpenStackConfig(
            config_files=[config_file] if config_file else None,
            load_envvars=config_file is None,
        )
        self._api_timeout = api_timeout
        self._retry_policy = retry_policy or RetryPolicy()
        self._facts_max_age = facts_max_age
        self._drivers: dict[tuple[str, str, str | None], OpenStackDriver] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        return sorted(self._config.get_cloud_names())

    def _region(self, cloud: str, region: str | None) -> Any:
        if cloud not in self._config.get_cloud_names():
            raise exc.InvalidInput(f"cloud '{cloud}' is not in clouds.yaml")
        # Reading a file, not calling a cloud: not counted (the metrics' label is a site).
        with translated(cloud, "read clouds.yaml", counted=False):
            return self._config.get_one(
                cloud=cloud, region_name=region, api_timeout=self._api_timeout
            )

    def auth_url(self, cloud: str, region: str | None) -> str | None:
        """The Keystone a cloud authenticates against (decides a pair's scope)."""
        url = self._region(cloud, region).config.get("auth", {}).get("auth_url")
        return url.rstrip("/") if isinstance(url, str) else None

    def driver(self, site: str, cloud: str, region: str | None) -> OpenStackDriver:
        with self._lock:
            key = (site, cloud, region)
            if key not in self._drivers:
                connection = _Connection(config=self._region(cloud, region))
                self._drivers[key] = OpenStackDriver(
                    site, connection, self._retry_policy, self._facts_max_age
                )
            return self._drivers[key]
