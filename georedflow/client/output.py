"""Tables for people, JSON for scripts: how a nested value of a document reads in a table.

A value keeps its API form for ``-f json|yaml`` (``machine_readable``); in a table it is a
few short lines (``human_readable``): a line per key of a dict, a line per item of a list
(``LINES`` of them at most), a list of names on one line of ``LINE`` characters at most.
The table formatter wraps what is still longer, so that a ``show`` fits 100 columns. A
column asked for by name (``-c``) is shown in full.
"""

import json
from collections.abc import Sequence
from typing import Any

from cliff.columns import FormattableColumn

LINE = 72  # the value column of a show table: 100 minus the field column and the borders
LINES = 8  # items of a list shown in a table before "… N more"


def compact(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def summary(item: Any) -> str:
    """One short line for one item of a list: a task, a resource, a leftover, a finding."""
    if not isinstance(item, dict):
        return compact(item)
    if "problem" in item:  # a finding of a verification
        return " ".join(str(item[k]) for k in ("site", "type", "id", "problem") if item.get(k))
    if "site" in item and "type" in item:  # a leftover: where it is, what, which
        return " ".join(str(item[k]) for k in ("site", "type", "id") if item.get(k))
    if "state" in item and "name" in item:  # a task
        return f"{item['name']} {item['state']}" + (
            f" ({item['site']})" if item.get("site") else ""
        )
    if "type" in item:  # a resource
        return " ".join(str(item[k]) for k in ("type", "id") if item.get(k))
    return compact(item.get("name") or item)


def _more(lines: list[str], full: bool, hint: str) -> list[str]:
    if full or len(lines) <= LINES:
        return lines
    return [*lines[: LINES - 1], f"… {len(lines) - LINES + 1} more ({hint})"]


def text(value: Any, *, full: bool = False, column: str = "") -> str:
    """``value`` as table text: a dict a ``key=value`` line per key, a list a line per item."""
    hint = f"-c {column} or -f json" if column else "-f json"
    if isinstance(value, dict):
        lines = [f"{k}={_inline(v, full)}" for k, v in value.items()]
        return "\n".join(_more(lines, full, hint))
    if isinstance(value, list):
        if not value:
            return ""
        if all(not isinstance(v, dict | list) for v in value):
            joined = ", ".join(compact(v) for v in value)
            if full:
                return "\n".join(compact(v) for v in value)
            if len(joined) <= LINE:
                return joined
            room = LINE - len(f"{len(value)}: … ({hint})")
            return f"{len(value)}: {joined[:room]}… ({hint})"
        lines = [summary(v) for v in value]
        return "\n".join(_more(lines, full, hint))
    return compact(value)


def _inline(value: Any, full: bool) -> str:
    """A value inside a dict's line: lists of resources by their summaries."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return ", ".join(summary(v) for v in value)
    return compact(value)


class Value(FormattableColumn[Any]):
    """A nested value of a document: as it came for machines, short lines for people."""

    def __init__(self, value: Any, *, full: bool = False, column: str = "") -> None:
        super().__init__(value)
        self._full, self._column = full, column

    def human_readable(self) -> str:
        return text(self._value, full=self._full, column=self._column)

    def machine_readable(self) -> Any:
        return self._value


def cells(
    document: dict[str, Any], columns: Sequence[str], asked: Sequence[str] = ()
) -> tuple[Any, ...]:
    """The values of ``columns`` of a document, nested ones as ``Value`` (full when asked)."""
    return tuple(
        Value(document.get(c), full=c in asked, column=c)
        if isinstance(document.get(c), dict | list)
        else document.get(c)
        for c in columns
    )
