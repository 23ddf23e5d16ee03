"""A small in-memory SiteDriver for unit tests (integration tests use the real lab)."""

import itertools
from typing import Any

from georedflow.clouds.driver import Resource
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import CloudUnavailable

_ids = itertools.count(1)


class FakeDriver:
    def __init__(self, site: str = "fake") -> None:
        self.site = site
        self.resources: dict[Kind, dict[str, Resource]] = {}
        self.creates = 0
        self.finds = 0
        self.quotas: dict[str, dict[str, int]] | None = None  # None: no quota details

    def extensions(self, cached: bool = False) -> list[str]:
        return ["provider", "router", "external-net", "vpnaas", "bgpvpn", "segment"]

    def external_networks(self, cached: bool = False) -> list[Resource]:
        networks = self.query(Kind.NETWORK, **{"router:external": True})
        return [{"id": n["id"], "name": n.get("name")} for n in networks]

    def create(self, kind: Kind, attrs: dict[str, Any]) -> Resource:
        self.creates += 1
        resource = {"id": f"{kind}-{next(_ids)}", "status": "ACTIVE", **attrs}
        self.resources.setdefault(kind, {})[resource["id"]] = resource
        return dict(resource)

    def find(self, kind: Kind, name: str) -> Resource | None:
        self.finds += 1
        return next((dict(r) for r in self.query(kind) if r.get("name") == name), None)

    def get(self, kind: Kind, resource_id: str) -> Resource | None:
        found = self.resources.get(kind, {}).get(resource_id)
        return dict(found) if found else None

    def update(self, kind: Kind, resource_id: str, attrs: dict[str, Any]) -> Resource:
        self.resources[kind][resource_id].update(attrs)
        return dict(self.resources[kind][resource_id])

    def ensure_bandwidth_limit(
        self, policy_id: str, max_kbps: int, look_first: bool = True
    ) -> Resource:
        policy = self.resources[Kind.QOS_POLICY][policy_id]
        policy["rules"] = [{"type": "bandwidth_limit", "max_kbps": max_kbps}]
        return dict(policy["rules"][0])

    def set_tags(self, kind: Kind, resource_id: str, tags: list[str]) -> list[str]:
        self.resources[kind][resource_id]["tags"] = list(tags)
        return list(tags)

    def query(self, kind: Kind, **filters: Any) -> list[Resource]:
        return [
            dict(r)
            for r in self.resources.get(kind, {}).values()
            if all(v in r.get(k, []) if k == "tags" else r.get(k) == v for k, v in filters.items())
        ]

    def quota_details(self) -> dict[str, dict[str, int]] | None:
        return self.quotas

    def delete(self, kind: Kind, resource_id: str) -> bool:
        return self.resources.get(kind, {}).pop(resource_id, None) is not None


class FailingDriver:
    """A SiteDriver whose every call fails, as a site does when it stops answering."""

    def __init__(self, site: str = "down") -> None:
        self.site = site
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            raise CloudUnavailable("injected: the site is down", site=self.site, operation=name)

        return fail


class FakeRepo:
    """The parts of ConnectionRepository a task's revert uses, kept in memory."""

    def __init__(self) -> None:
        self.noted: list[dict[str, Any]] = []
        self.states: list[tuple[str, str | None, list[dict[str, Any]] | None]] = []
        self.released = 0
        self.forgotten = 0

    def add_leftover(self, connection_id: str, leftover: dict[str, Any]) -> None:
        if leftover not in self.noted:
            self.noted.append(leftover)

    def leftovers(self, connection_id: str) -> list[dict[str, Any]]:
        return list(self.noted)

    def set_state(
        self,
        connection_id: str,
        state: str,
        error: str | None = None,
        *,
        leftovers: list[dict[str, Any]] | None = None,
    ) -> None:
        self.states.append((state, error, leftovers))

    def release(self, connection_id: str) -> None:
        self.released += 1

    def forget_secrets(self, connection_id: str) -> None:
        self.forgotten += 1
