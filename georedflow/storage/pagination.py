"""Marker pagination: the rows after a given one, in (created_at, id) order."""

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from georedflow.exceptions import NotFound


def after_marker(
    query: Select[Any], session: Session, model: Any, marker: str | None, what: str
) -> Select[Any]:
    """``query`` ordered by creation, limited to rows after ``marker`` (an id)."""
    query = query.order_by(model.created_at, model.id)
    if not marker:
        return query
    after = session.get(model, marker)
    if after is None:
        raise NotFound(f"marker {what} '{marker}' does not exist")
    return query.where(
        (model.created_at > after.created_at)
        | ((model.created_at == after.created_at) & (model.id > after.id))
    )
