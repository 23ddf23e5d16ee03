"""A page-long fake of the v1 API (httpx's MockTransport), and the CLI run in-process."""

import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from georedflow.client.api import ApiClient
from georedflow.cmd.cli import Georedflow

NOW = "2026-12-01T10:00:00Z"


def site(name: str, capabilities: int = 3) -> dict[str, Any]:
    return {
        "id": f"{name}-id",
        "name": name,
        "cloud": f"lab-{name}",
        "region": "RegionOne",
        "cell": None,
        "external_network": "public",
        "physical_networks": {"dci": "dci"},
        "description": "",
        "capabilities": [f"extension-number-{i}" for i in range(capabilities)],
        "status": "reachable",
        "status_reason": None,
        "created_at": NOW,
        "updated_at": NOW,
    }


def job(job_id: str, state: str = "SUCCEEDED", tasks: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "id": job_id,
        "kind": "create",
        "connection_id": "c1",
        "site_id": None,
        "state": state,
        "progress": 1.0 if state in ("SUCCEEDED", "FAILED") else 0.5,
        "tasks": [
            {
                "name": f"CreateSomethingQuiteLong{i}-local",
                "state": "SUCCESS",
                "site": "east",
                "worker": "host-1",
                "started_at": NOW,
                "finished_at": NOW,
                "error": None,
            }
            for i in range(tasks)
        ],
        "attempts": 1,
        "workers": ["host-1"],
        "error": None,
        "created_at": NOW,
        "updated_at": NOW,
        **extra,
    }


def connection(connection_id: str, name: str, **extra: Any) -> dict[str, Any]:
    side = {
        "site": "east",
        "cell": None,
        "cidr": "10.0.0.0/24",
        "network_id": "n1",
        "subnet_id": "s1",
        "router_id": None,
        "resources": [{"type": "network", "id": "n1"}, {"type": "subnet", "id": "s1"}],
    }
    return {
        "id": connection_id,
        "name": name,
        "mode": "warm",
        "technology": "vxlan",
        "scope": "region",
        "state": "ACTIVE",
        "local": side,
        "remote": {**side, "site": "west"},
        "parameters": {},
        "primary": "local",
        "findings": [],
        "audited_at": None,
        "job_id": "j1",
        "error": None,
        "leftovers": [],
        "created_at": NOW,
        "updated_at": NOW,
        **extra,
    }


Handler = Callable[[httpx.Request], Any]


@dataclass
class FakeApi:
    """Routes ``(METHOD, path regex)`` to answers: a document, a status, or a function."""

    routes: dict[tuple[str, str], Any] = field(default_factory=dict)
    seen: list[httpx.Request] = field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        for (method, pattern), answer in self.routes.items():
            if request.method == method and re.fullmatch(pattern, request.url.path):
                if callable(answer):
                    answer = answer(request)
                if isinstance(answer, httpx.Response):
                    return answer
                return httpx.Response(200, json=answer)
        return httpx.Response(404, json={"detail": f"nothing at {request.url.path}"})

    def client(self) -> ApiClient:
        return ApiClient("http://georedflow.test", transport=httpx.MockTransport(self.answer))

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}?{r.url.query.decode()}" for r in self.seen]


def problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": detail})


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run(api: FakeApi, *argv: str) -> Run:
    """``georedflow ARGV`` in-process against the fake."""
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        code = Georedflow(stdout=out, stderr=err, api=api.client()).run(list(argv))
    finally:
        for handler in root.handlers[:]:  # cliff adds a console handler per run
            if handler not in handlers:
                root.removeHandler(handler)
    return Run(code, out.getvalue(), err.getvalue())
