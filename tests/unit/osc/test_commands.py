"""The commands that ``georedflow`` and ``openstack georedundancy`` share, in-process
against a fake API: parsing, the requests they make, and what they print."""

import json
from typing import Any

import httpx
import pytest

from tests.unit.osc.fake import FakeApi, connection, job, problem, run, site


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_site_show_fits_100_columns_and_keeps_the_detail_for_json_and_c() -> None:
    api = FakeApi({("GET", "/v1/sites/east"): site("east", capabilities=120)})

    table = run(api, "site", "show", "east")
    asked = run(api, "site", "show", "east", "-c", "capabilities")
    whole = run(api, "site", "show", "east", "-f", "json")

    assert table.code == 0, table.err
    assert widest(table.out) <= 100
    assert "120: extension-number-0" in table.out and "-c capabilities or -f json" in table.out
    assert "extension-number-119" not in table.out
    assert "extension-number-119" in asked.out and widest(asked.out) <= 100
    assert len(whole.json()["capabilities"]) == 120
    assert whole.json()["physical_networks"] == {"dci": "dci"}


def test_job_show_fits_100_columns_with_its_tasks_and_a_long_error() -> None:
    error = {"message": "Neutron said no: " + "a very long reason " * 20, "task": "CreateX"}
    api = FakeApi({("GET", "/v1/jobs/j1"): job("j1", "FAILED", tasks=30, error=error)})

    table = run(api, "job", "show", "j1")
    whole = run(api, "job", "show", "j1", "-f", "json")

    assert widest(table.out) <= 100, table.out
    assert "CreateSomethingQuiteLong0-local SUCCESS (east)" in table.out
    assert "… 23 more (-c tasks or -f json)" in table.out
    assert "a very long" in table.out
    assert len(whole.json()["tasks"]) == 30
    assert whole.json()["error"] == error


def test_a_format_before_the_command_still_works_as_it_did() -> None:
    api = FakeApi({("GET", "/v1/connections"): {"connections": [connection("c1", "a")]}})

    before = run(api, "-f", "json", "connection", "list")
    after = run(api, "connection", "list", "-f", "json")
    yaml = run(api, "connection", "list", "-f", "yaml")

    assert before.code == 0, before.err
    assert before.json() == after.json() == [connection("c1", "a")]  # every field, in JSON
    assert "name: a" in yaml.out


def test_a_list_table_has_the_short_columns_and_c_picks_any_field() -> None:
    api = FakeApi({("GET", "/v1/connections"): {"connections": [connection("c1", "a")]}})

    table = run(api, "connection", "list")
    picked = run(api, "connection", "list", "-c", "name", "-c", "primary", "-f", "value")

    header = [c.strip() for c in table.out.splitlines()[1].split("|")[1:-1]]
    assert header == ["id", "name", "technology", "mode", "scope", "state"]
    assert picked.out.strip() == "a local"


def test_connection_list_passes_its_filters_and_pages_to_the_end() -> None:
    first = [connection(f"c{i}", f"n{i}") for i in range(1000)]

    def page(request: httpx.Request) -> dict[str, Any]:
        marker = request.url.params.get("marker")
        return {"connections": first if marker is None else [connection("last", "z")]}

    api = FakeApi({("GET", "/v1/connections"): page})

    listed = run(api, "connection", "list", "--state", "ACTIVE", "-f", "json")

    assert len(listed.json()) == 1001
    assert api.paths() == [
        "GET /v1/connections?state=ACTIVE&limit=1000",
        "GET /v1/connections?state=ACTIVE&limit=1000&marker=c999",
    ]


def test_a_connection_by_name_is_found_when_the_api_ignores_the_name_filter() -> None:
    listed = [connection("c1", "vnf-a"), connection("c2", "vnf-b")]
    api = FakeApi(
        {
            ("GET", "/v1/connections"): {"connections": listed},  # ?name= ignored
            ("GET", "/v1/connections/c2"): connection("c2", "vnf-b", parameters={"vni": 5001}),
        }
    )

    shown = run(api, "connection", "show", "vnf-b", "-f", "json")

    assert shown.code == 0, shown.err
    assert shown.json()["parameters"] == {"vni": 5001}  # the whole document, not the listed one
    assert api.paths()[:2] == [
        "GET /v1/connections/vnf-b?",
        "GET /v1/connections?name=vnf-b&limit=1000",
    ]


def test_a_name_lookup_falls_back_to_the_listing_when_the_api_refuses_name() -> None:
    def listing(request: httpx.Request) -> Any:
        if "name" in request.url.params:
            return problem(400, "unknown query parameter 'name'")
        return {"connections": [connection("c1", "vnf-a")]}

    api = FakeApi(
        {
            ("GET", "/v1/connections"): listing,
            ("GET", "/v1/connections/c1"): connection("c1", "vnf-a"),
            ("POST", "/v1/connections/c1/verify"): {
                "connection": connection("c1", "vnf-a", state="VERIFYING"),
                "job": job("j2", "QUEUED"),
            },
        }
    )

    verified = run(api, "connection", "verify", "vnf-a", "-f", "json")

    assert verified.code == 0, verified.err
    assert verified.json()["state"] == "VERIFYING"
    assert "GET /v1/connections?limit=1000" in api.paths()


def test_a_name_that_matches_none_or_several_is_an_error_naming_them() -> None:
    twins = [connection("c1", "twin"), connection("c2", "twin")]
    api = FakeApi({("GET", "/v1/connections"): {"connections": twins}})

    none = run(api, "connection", "show", "nobody")
    several = run(api, "connection", "delete", "twin")

    assert none.code == 1 and "no connection has the name or id 'nobody'" in none.err
    assert several.code == 1
    assert "2 connections are named 'twin' (c1, c2): give an id" in several.err
    assert not [p for p in api.paths() if p.startswith("DELETE")]


def test_create_with_wait_shows_progress_then_the_connection() -> None:
    states = iter(["RUNNING", "SUCCEEDED"])
    api = FakeApi(
        {
            ("POST", "/v1/connections"): lambda request: httpx.Response(
                202,
                json={
                    "connection": connection("c1", "vnf-a", state="PENDING"),
                    "job": job("j1", "QUEUED"),
                    "echo": json.loads(request.content),
                },
            ),
            ("GET", "/v1/jobs/j1"): lambda request: job("j1", next(states)),
            ("GET", "/v1/connections/c1"): connection("c1", "vnf-a"),
        }
    )

    created = run(
        api,
        "connection",
        "create",
        "--name",
        "vnf-a",
        "--mode",
        "hot",
        "--technology",
        "vlan",
        "--local",
        "east",
        "--remote",
        "west:10.9.0.0/24",
        "--bandwidth-mbps",
        "100",
        "--wait",
    )

    assert created.code == 0, created.err
    body = json.loads(api.seen[0].content)
    assert body["remote"] == {"site": "west", "cidr": "10.9.0.0/24"}
    assert body["options"] == {"bandwidth_mbps": 100}
    assert "50%" in created.err and "100%" in created.err and "job j1 SUCCEEDED" in created.err
    assert "ACTIVE" in created.out


def test_a_failed_job_exits_1_with_its_task_and_message() -> None:
    failed = job("j1", "FAILED", error={"message": "cli fault", "task": "CreateNetwork-remote"})
    api = FakeApi(
        {
            ("GET", "/v1/connections/c1"): connection("c1", "a", state="ERROR"),
            ("POST", "/v1/connections/c1/repair"): {
                "connection": connection("c1", "a"),
                "job": job("j1", "QUEUED"),
            },
            ("GET", "/v1/jobs/j1"): failed,
        }
    )

    repaired = run(api, "connection", "repair", "c1", "--wait")
    watched = run(api, "job", "watch", "j1")

    assert repaired.code == watched.code == 1
    assert "job j1 failed in CreateNetwork-remote: cli fault" in repaired.err
    assert "ERROR" in repaired.out
    assert "failed in CreateNetwork-remote" in watched.err


def test_api_errors_are_shown_with_their_detail() -> None:
    api = FakeApi({("POST", "/v1/sites"): problem(422, "cloud 'nowhere' is not in clouds.yaml")})

    made = run(api, "site", "create", "--name", "x", "--cloud", "nowhere", "--physnet", "dci=d")
    bad = run(api, "site", "create", "--name", "x", "--cloud", "c", "--physnet", "dci")

    assert made.code == 1
    assert "422: cloud 'nowhere' is not in clouds.yaml" in made.err
    assert "Traceback" not in made.err
    assert bad.code == 1 and "ROLE=PHYSNET" in bad.err


def test_job_list_asks_for_the_newest_first_and_limit_keeps_the_newest() -> None:
    jobs = [job(f"j{i}", created_at=f"2026-12-01T10:0{i}:00Z") for i in (3, 2, 1, 0)]
    api = FakeApi({("GET", "/v1/jobs"): {"jobs": jobs}})  # as the API sorts them

    listed = run(api, "job", "list", "-f", "value", "-c", "id")
    newest = run(api, "job", "list", "--limit", "2", "-f", "value", "-c", "id")

    assert listed.out.split() == ["j3", "j2", "j1", "j0"]
    assert newest.out.split() == ["j3", "j2"]
    assert api.paths() == ["GET /v1/jobs?sort_key=created_at&sort_dir=desc&limit=1000"] * 2


def test_config_put_and_get_by_connection_name(tmp_path: Any) -> None:
    stored = {"connection_id": "c1", "version": 2, "media_type": "application/json", "size": 9}
    api = FakeApi(
        {
            ("GET", "/v1/connections/c1"): connection("c1", "vnf-a"),
            ("GET", "/v1/connections"): {"connections": [connection("c1", "vnf-a")]},
            ("PUT", "/v1/connections/c1/config"): stored,
            ("GET", "/v1/connections/c1/config"): httpx.Response(
                200, text='{"a": 1}', headers={"georedflow-config-version": "2"}
            ),
        }
    )
    path = tmp_path / "vnf.json"
    path.write_text('{"a": 1}')

    put = run(api, "-f", "json", "config", "put", "vnf-a", str(path))
    got = run(api, "-f", "json", "config", "get", "vnf-a", "--version", "2")

    assert put.json()["version"] == 2
    (stored_with,) = [r for r in api.seen if r.method == "PUT"]
    assert stored_with.headers["content-type"] == "application/json"
    assert stored_with.content == b'{"a": 1}'
    assert got.code == 0, got.err
    assert got.out == '{"a": 1}' and "config version 2" in got.err
    assert api.seen[-1].url.params["version"] == "2"


def test_subscription_create_resolves_connections_and_never_shows_the_secret() -> None:
    made = {"id": "s1", "callback_uri": "https://vnfm/hook", "signed": True, "created_at": "x"}
    api = FakeApi(
        {
            ("GET", "/v1/connections/c1"): connection("c1", "vnf-a"),
            ("POST", "/v1/subscriptions"): lambda r: {**made, "filter": json.loads(r.content)},
        }
    )

    created = run(
        api,
        "subscription",
        "create",
        "https://vnfm/hook",
        "--connection",
        "c1",
        "--event-type",
        "job.failed",
        "--secret",
        "0123456789abcdef",
        "-f",
        "json",
    )

    assert created.code == 0, created.err
    assert json.loads(api.seen[-1].content) == {
        "callback_uri": "https://vnfm/hook",
        "filter": {"connection_ids": ["c1"], "event_types": ["job.failed"]},
        "secret": "0123456789abcdef",
    }


def test_no_command_prints_the_help_and_no_shell() -> None:
    shown = run(FakeApi())

    assert shown.code == 0
    assert "connection create" in shown.out or "usage: " in shown.out


@pytest.mark.parametrize("argv", [["status"], ["-f", "json", "status"]])
def test_status_names_the_api_and_its_revision(argv: list[str]) -> None:
    api = FakeApi({("GET", "/readyz"): {"database_revision": "0008"}})

    shown = run(api, *argv)

    assert shown.code == 0, shown.err
    assert shown.out == "http://georedflow.test: ready (database revision 0008)\n"


def test_an_error_is_its_detail_alone_without_the_http_library_s_request_line() -> None:
    api = FakeApi({("POST", "/v1/sites"): problem(409, "a site named 'east' exists")})

    made = run(api, "site", "create", "--name", "east", "--cloud", "lab-east")
    debugged = run(api, "--debug", "site", "create", "--name", "east", "--cloud", "lab-east")

    assert made.code == 1
    assert made.err.strip() == "409: a site named 'east' exists", made.err
    assert "HTTP Request: POST" in debugged.err  # --debug still shows every request


def test_create_dry_run_with_candidates_sends_them_and_shows_the_plan() -> None:
    plan = {"name": "vnf-b", "remote": {"site": "far"}, "selection": [{"site": "far"}]}
    api = FakeApi({("POST", "/v1/connections"): plan})

    planned = run(
        api,
        "connection",
        "create",
        "--name",
        "vnf-b",
        "--mode",
        "warm",
        "--technology",
        "vxlan",
        "--local",
        "east",
        "--remote-candidates",
        "west, far",
        "--remote-cidr",
        "10.251.0.0/25",
        "--prefer",
        "far",
        "--dry-run",
        "-f",
        "json",
    )

    assert planned.code == 0, planned.err
    assert api.paths() == ["POST /v1/connections?dry_run=true"]  # and nothing waited for
    body = json.loads(api.seen[0].content)
    assert body["remote"] == {
        "candidates": ["west", "far"],
        "cidr": "10.251.0.0/25",
        "prefer": ["far"],
    }
    assert planned.json()["selection"] == [{"site": "far"}]


def test_heartbeat_sends_the_epoch_and_activate_force_asks_for_force() -> None:
    lease = {"connection_id": "c1", "epoch": 2, "primary": "remote", "primary_site": "west"}
    api = FakeApi(
        {
            ("GET", "/v1/connections/vnf-a"): connection("c1", "vnf-a"),
            ("POST", "/v1/connections/c1/heartbeat"): {**lease, "expires_at": "2026-01-01T00Z"},
            ("POST", "/v1/connections/c1/activate"): {
                "connection": connection("c1", "vnf-a", state="ACTIVATING"),
                "job": job("j3", "QUEUED"),
            },
        }
    )

    held = run(api, "connection", "heartbeat", "vnf-a", "--epoch", "2", "-f", "json")
    plain = run(api, "connection", "activate", "vnf-a", "-f", "json")
    forced = run(api, "connection", "activate", "vnf-a", "--force", "-f", "json")

    assert held.code == plain.code == forced.code == 0, held.err + plain.err + forced.err
    assert held.json()["primary_site"] == "west"
    sent = [(r.url.path, r.content) for r in api.seen if r.method == "POST"]
    assert sent == [
        ("/v1/connections/c1/heartbeat", b'{"epoch":2}'),
        ("/v1/connections/c1/activate", b""),
        ("/v1/connections/c1/activate", b'{"force":true}'),
    ]
