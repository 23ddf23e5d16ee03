"""What every list shares, as the API-SIG asks: ``sort_key``/``sort_dir`` from a list of
keys per resource, and a ``next`` link while a page is full."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query, Request

from georedflow.api import schemas
from georedflow.exceptions import BadRequest
from georedflow.storage.pagination import Order


def ordering(keys: tuple[str, ...], default: str = "created_at") -> Callable[..., Order]:
    """A dependency: the page's order, refused (400) for a key not in ``keys``."""

    def order(
        sort_key: Annotated[
            str, Query(description=f"One of: {', '.join(keys)}; ties are broken by id.")
        ] = default,
        sort_dir: Annotated[Literal["asc", "desc"], Query()] = "asc",
    ) -> Order:
        if sort_key not in keys:
            raise BadRequest(f"sort_key '{sort_key}' is not one of: {', '.join(keys)}")
        return Order(sort_key, sort_dir)

    return order


def next_links(request: Request, items: Sequence[Any], limit: int | None) -> list[schemas.Link]:
    """``[{"rel": "next", "href": ...}]`` while the page is full: the same request, with
    the last item as its marker; none after the last page."""
    if limit is None or len(items) < limit or not items:
        return []
    href = str(request.url.include_query_params(marker=items[-1].id))
    return [schemas.Link(rel="next", href=href)]
