"""A small reader of text/event-stream for the tests of the job event stream."""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any


def parse(lines: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(event, data) pairs; comments (keep-alives) are skipped, data is JSON."""
    kind, data = "message", []
    for line in lines:
        if not line:
            if data:
                yield kind, json.loads("\n".join(data))
            kind, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))


def check_task_order(events: list[tuple[str, Any]]) -> dict[str, list[str]]:
    """Assert the rules of the stream; answers each task's states in the order sent."""
    assert events, "no events"
    assert events[-1][0] == "end", events[-1]
    assert [kind for kind, _ in events].count("end") == 1
    states: dict[str, list[str]] = {}
    times = []
    for kind, data in events:
        if kind != "task":
            continue
        states.setdefault(data["task"], []).append(data["state"])
        times.append(datetime.fromisoformat(data["at"]))
        if data["state"] == "SUCCESS":
            assert states[data["task"]][-2:-1] == ["RUNNING"], (data["task"], states)
            started, finished = (
                datetime.fromisoformat(data[k]) for k in ("started_at", "finished_at")
            )
            assert started <= finished == times[-1]
    assert times == sorted(times), "task events out of time order"
    progress = [data["progress"] for kind, data in events if kind == "progress"]
    assert progress == sorted(progress)
    return states
