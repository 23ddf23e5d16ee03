"""Which events a subscription's filter lets through (the outbox fans an event out by it)."""

from typing import Any


def matches(filter_: dict[str, Any], event_type: str, connection_id: str | None) -> bool:
    """A missing (or null) criterion matches everything; a given one must contain the event's."""
    types = filter_.get("event_types")
    if types is not None and event_type not in types:
        return False
    connections = filter_.get("connection_ids")
    return connections is None or (connection_id is not None and connection_id in connections)
