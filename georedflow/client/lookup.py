"""Names or ids: finding the one resource a user means.

Sites resolve by name in the API itself. Connections do not yet everywhere: the lookup asks
``GET /v1/connections?name=`` and, whatever the API does with the parameter (filters, ignores
it, or refuses it with 400), keeps only the exact matches, paging to the end.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from georedflow.client.api import ApiClient, ClientError

PAGE = 1000  # the API's largest page


def pages(
    api: ApiClient, path: str, key: str, params: dict[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    """Every item of a marker-paginated list, in the API's order."""
    query = {**(params or {}), "limit": PAGE}
    while True:
        items: list[dict[str, Any]] = api.call("GET", path, params=query)[key]
        yield from items
        if len(items) < PAGE:
            return
        query["marker"] = items[-1]["id"]


def _named(api: ApiClient, name: str) -> list[dict[str, Any]]:
    try:
        found = list(pages(api, "/v1/connections", "connections", {"name": name}))
    except ClientError as error:
        if error.status != 400:  # an API that knows no ?name=: list them all
            raise
        found = list(pages(api, "/v1/connections", "connections"))
    return [c for c in found if c["name"] == name]


def find_connection(api: ApiClient, name_or_id: str) -> dict[str, Any]:
    """The connection with this id, or else the only one with this name."""
    try:
        shown: dict[str, Any] = api.call("GET", f"/v1/connections/{quote(name_or_id, safe='')}")
        return shown
    except ClientError as error:
        if error.status != 404:
            raise
    matches = _named(api, name_or_id)
    if not matches:
        raise ClientError(f"no connection has the name or id '{name_or_id}'", status=404)
    if len(matches) > 1:
        ids = ", ".join(c["id"] for c in matches)
        raise ClientError(
            f"{len(matches)} connections are named '{name_or_id}' ({ids}): give an id",
            status=409,
        )
    full: dict[str, Any] = api.call("GET", f"/v1/connections/{matches[0]['id']}")
    return full  # a listed connection leaves out the plan and the options


def connection_id(api: ApiClient, name_or_id: str) -> str:
    """The id, with one call when it is one (a name costs a list too)."""
    return str(find_connection(api, name_or_id)["id"])
