"""Finding everything a connection owns on a site, by the names georedflow gives."""

from georedflow import exceptions as exc
from georedflow.clouds.driver import Resource, SiteDriver
from georedflow.clouds.kinds import KINDS, Kind, is_owned_by


def owned(
    driver: SiteDriver, kind: Kind, connection_id: str, role: str | None = None
) -> list[Resource]:
    """Resources of ``kind`` the connection owns on this site (made for ``role``, if given)."""
    filters = {"tags": f"georedflow:conn={connection_id}"} if KINDS[kind].taggable else {}
    try:
        found = driver.query(kind, **filters)
    except exc.CloudResourceNotFound:
        return []  # the site has no such extension, so nothing of that kind
    return [
        r
        for r in found
        if is_owned_by(r, connection_id) and (role is None or str(r["name"]).endswith(f"-{role}"))
    ]


def leftovers(
    driver: SiteDriver, connection_id: str, kinds: tuple[Kind, ...] | None = None
) -> list[str]:
    """``kind id`` of every resource on this site named as the connection's.

    Thorough rather than quick: it lists every resource of each kind and matches
    names, so it also finds one that never got its tags (made, then the tagging
    failed). For checks and tests, not for the path of a job.
    """
    found = []
    for kind in kinds or tuple(KINDS):
        try:
            resources = driver.query(kind)
        except exc.CloudResourceNotFound:
            continue  # the site has no such extension
        found += [f"{kind} {r['id']}" for r in resources if is_owned_by(r, connection_id)]
    return found
