"""Unknown query parameters are refused (400), as the API-SIG asks: a misspelt filter
(``?stat=ACTIVE``) would otherwise answer everything as if it had matched."""

from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from georedflow.exceptions import BadRequest


def _names(dependant: Any) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _names(dependency)
    return names


_ACCEPTED: dict[int, frozenset[str]] = {}  # by id(route): routes live as long as the app


def _accepted(route: APIRoute) -> frozenset[str]:
    """The query parameters a route and its dependencies declare, once per route."""
    found = _ACCEPTED.get(id(route))
    if found is None:
        found = _ACCEPTED[id(route)] = frozenset(_names(route.dependant))
    return found


async def only_known(request: Request) -> None:
    """An application dependency: 400 for a query parameter no route parameter takes."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    unknown = sorted(set(request.query_params) - _accepted(route))
    if unknown:
        accepted = ", ".join(sorted(_accepted(route))) or "none"
        raise BadRequest(
            f"unknown query parameter(s): {', '.join(unknown)} (this request takes: {accepted})"
        )
