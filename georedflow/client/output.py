"""Tables for people, JSON for scripts."""

import json
from collections.abc import Sequence
from typing import Any


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    out = [
        line,
        "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |",
        line,
    ]
    out += [
        "| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    out.append(line)
    return "\n".join(out)


def _summary(item: dict[str, Any]) -> str:
    if "site" in item:  # a leftover: where it is, what, which
        return " ".join(str(item[k]) for k in ("site", "type", "id") if item.get(k))
    return str(item.get("type") or item.get("name"))


def _flatten(item: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, value in item.items():
        if isinstance(value, dict) and value and prefix == "":
            rows += _flatten(value, f"{key}.")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            # resources and tasks: one short line, the details are in -f json
            rows.append(
                {
                    "field": f"{prefix}{key}",
                    "value": ", ".join(_summary(v) for v in value),
                }
            )
        else:
            rows.append({"field": f"{prefix}{key}", "value": value})
    return rows


def record(item: dict[str, Any]) -> str:
    """One resource as a two-column field/value table, nested fields as ``a.b``."""
    return table(_flatten(item), ["field", "value"])


def render(data: Any, fmt: str, columns: Sequence[str] | None = None) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True)
    if isinstance(data, list):
        return table(data, columns or (list(data[0]) if data else []))
    return record(data)
