"""The Mistral actions find georedflow in the catalog of the workflow's caller."""

import json
from types import SimpleNamespace
from typing import Any

import pytest

from georedflow.mistral import actions

CATALOG = [
    {"type": "identity", "endpoints": [{"interface": "public", "url": "http://ks/v3"}]},
    {
        "type": "georedundancy",
        "endpoints": [
            {"interface": "public", "region_id": "RegionOne", "url": "https://g.example.org/v1"},
            {"interface": "internal", "region_id": "RegionOne", "url": "http://g.internal:9797"},
            {"interface": "public", "region_id": "RegionTwo", "url": "https://g2.example.org"},
        ],
    },
]


def _context(catalog: Any, region: str | None = "RegionOne", token: str = "tok") -> Any:
    security = SimpleNamespace(service_catalog=catalog, region_name=region, auth_token=token)
    return SimpleNamespace(security=security)


def test_the_internal_endpoint_of_the_region_comes_first() -> None:
    assert actions.endpoint(_context(CATALOG)) == "http://g.internal:9797"
    assert actions.endpoint(_context(json.dumps(CATALOG))) == "http://g.internal:9797"
    assert actions.endpoint(_context(CATALOG, "RegionTwo")) == "https://g2.example.org"


def test_no_catalog_or_no_georedflow_in_it_is_no_endpoint() -> None:
    assert actions.endpoint(SimpleNamespace()) is None
    assert actions.endpoint(_context([])) is None
    assert actions.endpoint(_context(CATALOG[:1])) is None
    assert actions.endpoint(_context(CATALOG, "RegionThree")) is None


@pytest.mark.parametrize(
    ("given", "context", "called"),
    [
        ({}, _context(CATALOG, token="callers"), ("http://g.internal:9797", "callers")),
        ({"url": "http://x:1", "token": "mine"}, _context(CATALOG), ("http://x:1", "mine")),
        ({}, SimpleNamespace(), (actions.DEFAULT_URL, None)),
    ],
)
def test_an_action_calls_the_api_it_was_given_or_found(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, str], context: Any, called: tuple[Any, Any]
) -> None:
    seen: list[tuple[Any, Any]] = []

    class Recording:
        def __init__(self, url: str, token: str | None) -> None:
            seen.append((url, token))

        def call(self, method: str, path: str, **kwargs: Any) -> Any:
            return {"path": path}

        def close(self) -> None:
            pass

    monkeypatch.setattr(actions, "ApiClient", Recording)

    result = actions.DeleteConnectionAction("c1", **given).run(context)

    assert seen == [called]
    assert result.data == {"path": "/v1/connections/c1"}
