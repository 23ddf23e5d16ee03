"""Choosing the backup datacenter among candidates, by one documented rule.

Every candidate is pre-flighted first; one that failed (the technology is not
possible there, an address or identifier is in use, too little quota) is out,
with the reason. The others rank by, in order:

1. ``affinity`` to the local site, if asked: ``other_region`` or ``other_cloud``
   (the usual wish for a backup: not where the primary is) or ``same_region`` /
   ``same_cloud``;
2. the caller's ``prefer`` order (sites it names come first, in its order);
3. the fewest connections already using the site;
4. the most quota headroom left after the build (no limit counts as the most);
5. the site's name, so that the choice is stable.

Pure: the caller runs the pre-flights and counts the connections.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from georedflow.storage.models import Site

AFFINITIES = ("same_region", "other_region", "same_cloud", "other_cloud")


@dataclass(frozen=True)
class Candidate:
    site: Site
    connections: int  # already using it
    outcome: dict[str, Any] | None = None  # the pre-flight's result; None: it failed
    refused: str | None = None  # why the pre-flight failed


def _affine(local: Site, site: Site, affinity: str | None) -> bool:
    if affinity is None:
        return True
    same = (
        (site.cloud, site.region) == (local.cloud, local.region)
        if affinity.endswith("region")
        else site.cloud == local.cloud
    )
    return same if affinity.startswith("same") else not same


def rank(
    local: Site,
    candidates: list[Candidate],
    *,
    prefer: Sequence[str] | None = None,
    affinity: str | None = None,
) -> list[dict[str, Any]]:
    """Every candidate, best first, each with ``chosen`` and its ``reason``; the first
    feasible one is chosen. Raises nothing: no feasible candidate is the caller's error."""
    order = {name: i for i, name in enumerate(prefer or [])}

    def key(c: Candidate) -> tuple[Any, ...]:
        assert c.outcome is not None
        headroom = c.outcome["quota_headroom"]
        return (
            not _affine(local, c.site, affinity),
            order.get(c.site.name, len(order)),
            c.connections,
            -(headroom if headroom is not None else float("inf")),
            c.site.name,
        )

    feasible = sorted((c for c in candidates if c.outcome is not None), key=key)
    ranking = []
    for place, c in enumerate(feasible, start=1):
        assert c.outcome is not None
        headroom = c.outcome["quota_headroom"]
        why = [
            f"{c.connections} connection(s) already use it",
            "no quota limit" if headroom is None else f"quota headroom {headroom}",
        ]
        if affinity is not None:
            fits = _affine(local, c.site, affinity)
            why.insert(0, f"{affinity.replace('_', ' ')}: {'yes' if fits else 'no'}")
        if c.site.name in order:
            why.insert(0, f"preferred #{order[c.site.name] + 1}")
        ranking.append(
            {
                "site": c.site.name,
                "chosen": place == 1,
                "rank": place,
                "reason": ("chosen: " if place == 1 else "feasible, ranked lower: ")
                + "; ".join(why),
            }
        )
    for c in sorted((c for c in candidates if c.outcome is None), key=lambda c: c.site.name):
        ranking.append(
            {"site": c.site.name, "chosen": False, "rank": None, "reason": f"refused: {c.refused}"}
        )
    return ranking
