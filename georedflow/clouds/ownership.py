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
    """``kind id`` of every resource the connection still owns on this site."""
    return [
        f"{kind} {resource['id']}"
        for kind in kinds or tuple(KINDS)
        for resource in owned(driver, kind, connection_id)
    ]
