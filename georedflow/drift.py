"""Drift: how one site differs from what georedflow recorded of a connection.

Read only. Each finding names the site, the resource and what is wrong, e.g.
``{"site": "east", "type": "subnet", "id": "…", "problem": "missing"}``. Used
by verify jobs and by the periodic audit alike. A recorded resource that is gone
is a finding for every technology; what a found one is compared with is its
technology's ``Check``s (``Technology.drift_checks``).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from georedflow.clouds.driver import Resource, SiteDriver
from georedflow.clouds.kinds import KINDS, Kind
from georedflow.roles import other
from georedflow.storage.models import Connection

Finding = dict[str, Any]


@dataclass(frozen=True)
class Side:
    """One site of a recorded connection, as a check sees it."""

    connection: Connection
    role: str
    driver: SiteDriver
    peer_driver: SiteDriver

    @property
    def plan(self) -> dict[str, Any]:
        return self.connection.plan

    def recorded(self, kind: Kind, peer: bool = False) -> list[str]:
        """The ids recorded of that kind on this side (or the peer's)."""
        role = other(self.role) if peer else self.role
        return [r["id"] for r in self.connection.endpoint(role).resources if r["type"] == kind]


@dataclass(frozen=True)
class Check:
    """What one kind of recorded resource, found on its site, is compared with."""

    kind: Kind
    problems: Callable[[Side, Resource], Iterable[str]]
    # A repair replaces a resource of this kind that drifted in place (route targets, a
    # peer address); otherwise it only makes again what is missing.
    replace: bool = False


def mismatches(found: Resource, wanted: dict[str, Any]) -> list[str]:
    """Each attribute of ``wanted`` (None: not compared) that ``found`` does not have."""
    return [
        f"{attr} is {found.get(attr)!r}, recorded {value!r}"
        for attr, value in wanted.items()
        if value is not None and found.get(attr) != value
    ]


def replaceable(checks: Sequence[Check]) -> frozenset[Kind]:
    return frozenset(check.kind for check in checks if check.replace)


def site_findings(
    connection: Connection,
    role: str,
    driver: SiteDriver,
    peer_driver: SiteDriver,
    checks: Sequence[Check],
) -> list[Finding]:
    """Everything recorded for ``role``'s side that is missing or has drifted."""
    side = Side(connection, role, driver, peer_driver)
    findings: list[Finding] = []
    for ref in connection.endpoint(role).resources:
        if ref["type"] not in KINDS:
            continue  # a part of another (a network association): its parent's check looks
        kind = Kind(ref["type"])
        found = driver.get(kind, ref["id"])
        problems = (
            ["missing"]
            if found is None
            else [p for check in checks if check.kind is kind for p in check.problems(side, found)]
        )
        findings += (
            {"site": driver.site, "role": role, "type": kind, "id": ref["id"], "problem": problem}
            for problem in problems
        )
    return findings
