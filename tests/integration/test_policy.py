"""Every rule of the policy table, with real Keystone tokens from the lab."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openstack
import pytest
from fastapi.testclient import TestClient
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

import lab
from georedflow.api.app import create_app
from georedflow.api.auth import KeystoneSettings, KeystoneTokens
from georedflow.api.policy import RULES
from tests.integration.harness import SITES, build_app, delete_every_connection

KEYSTONE = lab.keystone_url("a") + "/v3"
PASSWORD = "policy-test-pass"
# user: (project, role)
USERS = {
    "alice": ("georedflow-p1", "member"),
    "rita": ("georedflow-p1", "reader"),
    "bob": ("georedflow-p2", "member"),
}


def token_for(user: str, project: str, password: str = PASSWORD) -> str:
    auth = v3.Password(
        auth_url=KEYSTONE,
        username=user,
        password=password,
        project_name=project,
        user_domain_name="Default",
        project_domain_name="Default",
    )
    token: str = ks_session.Session(auth=auth).get_token()
    return token


@pytest.fixture(scope="module")
def tokens(lab_clouds: str) -> dict[str, str]:
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    identity = openstack.connection.Connection(config=config.get_one(cloud="lab-east")).identity
    for project_name, _role in set(USERS.values()):
        if identity.find_project(project_name) is None:
            identity.create_project(name=project_name, domain_id="default")
    for user_name, (project_name, role_name) in USERS.items():
        user = identity.find_user(user_name) or identity.create_user(
            name=user_name, password=PASSWORD, domain_id="default"
        )
        project = identity.find_project(project_name)
        role = identity.find_role(role_name)
        identity.assign_project_role_to_user(project, user, role)
    found = {user: token_for(user, project) for user, (project, _) in USERS.items()}
    found["adam"] = token_for("admin", "admin", "labpass")
    return found


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, lab_clouds: str, tokens: dict[str, str]
) -> Iterator[TestClient]:
    application = build_app(tmp_path_factory.mktemp("policy"), lab_clouds)
    validator = KeystoneTokens(
        KeystoneSettings(
            auth_url=KEYSTONE,
            username="admin",
            password="labpass",
            project_name="admin",
            token_cache_seconds=1.0,
        )
    )
    client = TestClient(create_app(application, tokens=validator))
    yield client
    # What the module's projects built goes, through the API, as the admin.
    delete_every_connection(lambda method, path: call(client, tokens["adam"], method, path))
    application.close()


def call(api: TestClient, token: str | None, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"X-Auth-Token": token} if token else {}
    return api.request(method, path, headers=headers, **kwargs)


def wait(api: TestClient, token: str, job_id: str) -> dict[str, Any]:
    for _ in range(300):
        job: dict[str, Any] = call(api, token, "GET", f"/v1/jobs/{job_id}").json()
        if job["state"] in ("SUCCEEDED", "FAILED"):
            return job
        time.sleep(0.2)
    raise AssertionError(job)


@pytest.fixture(scope="module")
def alices(api: TestClient, tokens: dict[str, str]) -> dict[str, Any]:
    """Sites registered by the admin, and a connection of alice's project."""
    for site in SITES[:2]:
        assert call(api, tokens["adam"], "POST", "/v1/sites", json=site).status_code == 201
    created = call(
        api,
        tokens["alice"],
        "POST",
        "/v1/connections",
        json={
            "name": "alices",
            "mode": "warm",
            "technology": "vxlan",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
    )
    assert created.status_code == 202, created.text
    assert wait(api, tokens["alice"], created.json()["job"]["id"])["state"] == "SUCCEEDED"
    return created.json()  # type: ignore[no-any-return]


def test_no_token_or_a_bad_one_is_401_with_a_hint(api: TestClient) -> None:
    for token in (None, "not-a-token"):
        response = call(api, token, "GET", "/v1/sites")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == f'Keystone uri="{KEYSTONE}"'


def test_sites_are_read_by_all_and_changed_by_admins_only(
    api: TestClient, tokens: dict[str, str], alices: dict[str, Any]
) -> None:
    for who in ("alice", "rita", "bob", "adam"):
        assert call(api, tokens[who], "GET", "/v1/sites").status_code == 200, who
        assert call(api, tokens[who], "GET", "/v1/sites/east").status_code == 200, who
    new_site = {"name": "spare", "cloud": "lab-far", "region": "RegionOne"}
    for who in ("alice", "rita"):
        assert call(api, tokens[who], "POST", "/v1/sites", json=new_site).status_code == 403
        assert (
            call(api, tokens[who], "PATCH", "/v1/sites/east", json={"description": "x"}).status_code
            == 403
        )
        assert call(api, tokens[who], "POST", "/v1/sites/east/probe").status_code == 403
        assert call(api, tokens[who], "DELETE", "/v1/sites/east").status_code == 403
    assert call(api, tokens["adam"], "POST", "/v1/sites", json=new_site).status_code == 201
    assert (
        call(api, tokens["adam"], "PATCH", "/v1/sites/spare", json={"description": "x"}).status_code
        == 200
    )
    probe = call(api, tokens["adam"], "POST", "/v1/sites/spare/probe")
    assert probe.status_code == 202
    wait(api, tokens["adam"], probe.json()["id"])
    assert call(api, tokens["adam"], "DELETE", "/v1/sites/spare").status_code == 204


def test_connections_belong_to_their_project(
    api: TestClient, tokens: dict[str, str], alices: dict[str, Any]
) -> None:
    path = f"/v1/connections/{alices['connection']['id']}"
    job_path = f"/v1/jobs/{alices['job']['id']}"
    assert call(api, tokens["alice"], "GET", path).status_code == 200
    assert call(api, tokens["rita"], "GET", path).status_code == 200  # reader, same project
    assert call(api, tokens["adam"], "GET", path).status_code == 200
    assert call(api, tokens["bob"], "GET", path).status_code == 404  # not 403
    assert call(api, tokens["rita"], "GET", job_path).status_code == 200
    assert call(api, tokens["bob"], "GET", job_path).status_code == 404

    def listed(who: str, what: str) -> list[str]:
        body = call(api, tokens[who], "GET", f"/v1/{what}").json()
        return [item["id"] for item in body[what]]

    assert alices["connection"]["id"] in listed("alice", "connections")
    assert alices["connection"]["id"] in listed("adam", "connections")
    assert alices["connection"]["id"] not in listed("bob", "connections")
    assert alices["job"]["id"] not in listed("bob", "jobs")

    body = {
        "name": "readers-cannot",
        "mode": "warm",
        "technology": "vxlan",
        "local": {"site": "east"},
        "remote": {"site": "west"},
    }
    assert call(api, tokens["rita"], "POST", "/v1/connections", json=body).status_code == 403
    assert call(api, tokens["rita"], "DELETE", path).status_code == 403
    assert call(api, tokens["bob"], "DELETE", path).status_code == 404
    deleted = call(api, tokens["alice"], "DELETE", path)
    assert deleted.status_code == 202
    assert wait(api, tokens["alice"], deleted.json()["job"]["id"])["state"] == "SUCCEEDED"


def test_every_rule_is_exercised_here() -> None:
    # The rules of later features are exercised in test_policy_<feature>.py next to this file.
    source = "".join(p.read_text() for p in Path(__file__).parent.glob("test_policy*.py"))
    exercised = {
        "site:list": '"/v1/sites").status_code == 200',
        "site:show": '"/v1/sites/east").status_code == 200',
        "site:create": '"POST", "/v1/sites", json=new_site).status_code == 403',
        "site:update": '"PATCH", "/v1/sites/east"',
        "site:delete": '"DELETE", "/v1/sites/east").status_code == 403',
        "site:probe": '"/v1/sites/east/probe").status_code == 403',
        "connection:list": 'listed("bob", "connections")',
        "connection:show": 'call(api, tokens["bob"], "GET", path).status_code == 404',
        "connection:create": '"POST", "/v1/connections", json=body).status_code == 403',
        "connection:delete": '"DELETE", path).status_code == 403',
        "subscription:create": '"POST", "/v1/subscriptions", json=hook).status_code == 403',
        "subscription:list": 'not in subscription_ids(api, tokens["bob"])',
        "subscription:show": 'call(api, tokens["bob"], "GET", hook_path).status_code == 404',
        "subscription:delete": '"DELETE", hook_path).status_code == 403',
        "job:list": 'listed("bob", "jobs")',
        "job:show": '"GET", job_path).status_code == 404',
        "connection:activate": 'call(api, rita, "POST", f"{path}/activate").status_code == 403',
        "connection:heartbeat": '"POST", f"{path}/heartbeat", json=beat).status_code == 403',
        "connection:verify": 'call(api, rita, "POST", f"{path}/verify").status_code == 403',
        "connection:repair": 'call(api, rita, "POST", f"{path}/repair").status_code == 403',
        "config:put": 'call(api, rita, "PUT", f"{path}/config", json=CONFIG).status_code == 403',
        "config:show": 'call(api, bob, "GET", f"{path}/config").status_code == 404',
    }
    assert set(exercised) == set(RULES)
    assert all(snippet in source for snippet in exercised.values())


def test_a_revoked_token_is_refused_once_the_cache_expires(
    api: TestClient, tokens: dict[str, str]
) -> None:
    token = token_for("bob", "georedflow-p2")
    assert call(api, token, "GET", "/v1/sites").status_code == 200
    revoked = httpx.delete(
        f"{KEYSTONE}/auth/tokens",
        headers={"X-Auth-Token": tokens["adam"], "X-Subject-Token": token},
    )
    assert revoked.status_code == 204

    time.sleep(1.5)  # the configured cache lifetime is 1 s

    assert call(api, token, "GET", "/v1/sites").status_code == 401
