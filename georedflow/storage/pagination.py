"""Keyset pagination: the rows after a given one, in (sort column, id) order.

A marker is the id of the last row of the previous page; the next page starts after
its (sort column, id), so pages neither skip nor repeat rows however many are added
meanwhile, and ties on the sort column are broken by id.
"""

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select
from sqlalchemy.orm import Session

from georedflow.exceptions import NotFound


@dataclass(frozen=True)
class Order:
    key: str = "created_at"  # a column every row has (lists allow only such keys)
    direction: Literal["asc", "desc"] = "asc"


CREATED = Order()  # the default: oldest first


def after_marker(
    query: Select[Any],
    session: Session,
    model: Any,
    marker: str | None,
    what: str,
    order: Order = CREATED,
) -> Select[Any]:
    """``query`` in ``order`` (then by id), limited to rows after ``marker`` (an id)."""
    column, ident = getattr(model, order.key), model.id
    descending = order.direction == "desc"
    query = query.order_by(*((column.desc(), ident.desc()) if descending else (column, ident)))
    if not marker:
        return query
    after = session.get(model, marker)
    if after is None:
        raise NotFound(f"marker {what} '{marker}' does not exist")
    value = getattr(after, order.key)
    if descending:
        return query.where((column < value) | ((column == value) & (ident < after.id)))
    return query.where((column > value) | ((column == value) & (ident > after.id)))
