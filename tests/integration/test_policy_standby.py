"""The standby rules of the policy table (activate, heartbeat, verify, repair, configs)."""

from typing import Any

from fastapi.testclient import TestClient

from tests.integration.test_policy import alices, api, call, tokens, wait  # noqa: F401

CONFIG = {"hostname": "spare-1"}


def test_standby_actions_follow_the_connection_project(
    api: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    alices: dict[str, Any],  # noqa: F811
) -> None:
    path = f"/v1/connections/{alices['connection']['id']}"
    alice, rita, bob = tokens["alice"], tokens["rita"], tokens["bob"]

    # Readers of the project may read the config, not change anything.
    assert call(api, rita, "PUT", f"{path}/config", json=CONFIG).status_code == 403
    assert call(api, alice, "PUT", f"{path}/config", json=CONFIG).status_code == 201
    assert call(api, rita, "GET", f"{path}/config").json() == CONFIG
    assert call(api, rita, "POST", f"{path}/activate").status_code == 403
    assert call(api, rita, "POST", f"{path}/verify").status_code == 403
    assert call(api, rita, "POST", f"{path}/repair").status_code == 403
    # Another project does not see the connection at all.
    assert call(api, bob, "GET", f"{path}/config").status_code == 404
    assert call(api, bob, "PUT", f"{path}/config", json=CONFIG).status_code == 404
    assert call(api, bob, "POST", f"{path}/activate").status_code == 404
    assert call(api, bob, "POST", f"{path}/verify").status_code == 404
    assert call(api, bob, "POST", f"{path}/repair").status_code == 404
    # Members act on their own connections.
    for action in ("verify", "repair", "activate"):
        accepted = call(api, alice, "POST", f"{path}/{action}")
        assert accepted.status_code == 202, accepted.text
        assert wait(api, alice, accepted.json()["job"]["id"])["state"] == "SUCCEEDED"
    assert call(api, alice, "GET", path).json()["primary"] == "remote"
    # The primary's heartbeat: members of the project only (the activation moved it to 2).
    beat = {"epoch": 2}
    assert call(api, rita, "POST", f"{path}/heartbeat", json=beat).status_code == 403
    assert call(api, bob, "POST", f"{path}/heartbeat", json=beat).status_code == 404
    assert call(api, alice, "POST", f"{path}/heartbeat", json=beat).status_code == 200
