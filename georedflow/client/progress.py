"""Watching a job: a progress bar with the current task of each site, until the job ends."""

import sys
import time
from typing import Any, TextIO

from georedflow.client.api import ApiClient
from georedflow.states import JOB_FINISHED, TASK_IN_FLIGHT


def current_tasks(job: dict[str, Any]) -> str:
    """``east: CreateRouter, west: CreateSubnet`` — what each site is doing now."""
    running: dict[str, str] = {}
    for task in job["tasks"]:
        if task["state"] in TASK_IN_FLIGHT:
            name = task["name"].rsplit("-", 1)[0] if task["site"] else task["name"]
            running[task["site"] or "-"] = f"{name} ({task['state'].lower()})"
    return ", ".join(f"{site}: {name}" for site, name in sorted(running.items())) or "-"


def bar(progress: float, width: int = 30) -> str:
    done = round(progress * width)
    return "[" + "#" * done + "." * (width - done) + f"] {progress * 100:3.0f}%"


def watch(
    api: ApiClient, job_id: str, out: TextIO = sys.stderr, interval: float = 0.5
) -> dict[str, Any]:
    """Follow the job to its end, drawing progress on ``out``; returns the final job."""
    live = out.isatty()
    last = ""
    while True:
        job: dict[str, Any] = api.call("GET", f"/v1/jobs/{job_id}")
        line = (
            f"{job['kind']} {job['state'].lower():9s} {bar(job['progress'])}  {current_tasks(job)}"
        )
        if line != last:
            out.write(("\r\x1b[2K" + line) if live else line + "\n")
            out.flush()
            last = line
        if job["state"] in JOB_FINISHED:
            if live:
                out.write("\n")
            return job
        time.sleep(interval)
