"""The Mistral actions against a running georedflow-api and the lab."""

from importlib.metadata import entry_points
from typing import Any

import httpx
import yaml

from georedflow.mistral.actions import (
    ActivateConnectionAction,
    CreateConnectionAction,
    DeleteConnectionAction,
    HeartbeatAction,
    WaitForJobAction,
)
from tests.conftest import REPO
from tests.integration.harness import SITES, ApiProcess


def test_actions_build_wait_and_delete(api: ApiProcess, lab: dict[str, Any]) -> None:
    for site in SITES[:2]:
        assert httpx.post(f"{api.url}/v1/sites", json=site).status_code == 201
    create = CreateConnectionAction(
        name="from-mistral",
        technology="vxlan",
        local={"site": "east"},
        remote={"site": "west"},
        idempotency_key="execution-1",
        url=api.url,
    )

    first, again = create.run(None), create.run(None)  # Mistral may run an action twice
    waited = WaitForJobAction(first.data["job"]["id"], interval=0.2, url=api.url).run(None)

    assert first.error is None and again.error is None
    assert again.data["connection"]["id"] == first.data["connection"]["id"]
    assert waited.error is None and waited.data["state"] == "SUCCEEDED"
    activated = ActivateConnectionAction(first.data["connection"]["id"], url=api.url).run(None)
    swapped = WaitForJobAction(activated.data["job"]["id"], interval=0.2, url=api.url).run(None)
    assert swapped.error is None and swapped.data["kind"] == "activate"
    shown = httpx.get(f"{api.url}/v1/connections/{first.data['connection']['id']}").json()
    assert (shown["primary"], shown["epoch"]) == ("remote", 2)
    fenced = HeartbeatAction(shown["id"], epoch=1, url=api.url).run(None)
    assert fenced.data is None and "409" in fenced.error and "failed over" in fenced.error
    held = HeartbeatAction(shown["id"], epoch=2, url=api.url).run(None)
    assert held.error is None and (held.data["epoch"], held.data["primary_site"]) == (2, "west")
    refused = ActivateConnectionAction(shown["id"], url=api.url).run(None)
    assert refused.data is None and "409" in refused.error and "lease" in refused.error

    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=500, message="mistral fault")
    doomed = CreateConnectionAction(
        name="doomed",
        technology="vxlan",
        local={"site": "east"},
        remote={"site": "west"},
        url=api.url,
    ).run(None)
    failed = WaitForJobAction(doomed.data["job"]["id"], interval=0.2, url=api.url).run(None)

    assert failed.data is None
    assert "failed in CreateNetwork-remote" in failed.error
    assert "mistral fault" in failed.error

    deleted = DeleteConnectionAction(first.data["connection"]["id"], url=api.url).run(None)
    gone = WaitForJobAction(deleted.data["job"]["id"], interval=0.2, url=api.url).run(None)
    assert gone.data["state"] == "SUCCEEDED"


def test_a_refused_request_is_an_action_error(api: ApiProcess) -> None:
    result = CreateConnectionAction(
        name="x",
        technology="ipsec",
        local={"site": "nowhere"},
        remote={"site": "west"},
        url=api.url,
    ).run(None)

    assert result.data is None
    assert "422" in result.error and "nowhere" in result.error


def test_the_example_workbook_uses_the_registered_actions() -> None:
    registered = {e.name for e in entry_points(group="mistral.actions")}
    workbook = yaml.safe_load((REPO / "examples" / "mistral" / "georedflow.yaml").read_text())

    used = {
        task["action"]
        for workflow in workbook["workflows"].values()
        for task in workflow["tasks"].values()
    }

    assert used - {"std.fail"} <= registered
    assert {
        "georedflow.create_connection",
        "georedflow.wait_for_job",
        "georedflow.delete_connection",
        "georedflow.activate_connection",
        "georedflow.heartbeat",
    } == registered
