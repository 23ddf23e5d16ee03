"""Settings dataclasses built from their option group: a field takes the option of its name.

Each setting is declared as an option (its name, default, bounds and help) and as a
field of the dataclass the code is handed (its type, and the same default for code
that builds one directly); ``tests/unit/conf`` checks that the two agree. What cmd/
did by hand, field by field, this does by name.
"""

import dataclasses
from typing import Any, TypeVar

from oslo_config import cfg

T = TypeVar("T")


def from_group(cls: type[T], group: Any, **given: Any) -> T:
    """``cls`` with every field read from ``group`` (lists as tuples), but those ``given``.

    A field with no option of its name keeps its default: it is not configurable.
    """
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in given:
            continue
        try:
            value = getattr(group, field.name)
        except cfg.NoSuchOptError:
            continue
        values[field.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values, **given)
