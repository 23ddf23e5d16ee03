"""The subscription rules of the policy table, with real Keystone tokens from the lab."""

from fastapi.testclient import TestClient

from tests.integration.test_policy import api, call, tokens  # noqa: F401  (module fixtures)

HOOK = {"callback_uri": "https://vnfm.example/hooks/georedflow", "secret": "p1-secret-0123456789"}


def subscription_ids(api: TestClient, token: str) -> list[str]:  # noqa: F811
    response = call(api, token, "GET", "/v1/subscriptions")
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["subscriptions"]]


def test_subscriptions_belong_to_their_project(
    api: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
) -> None:
    hook = dict(HOOK)
    created = call(api, tokens["alice"], "POST", "/v1/subscriptions", json=hook)
    assert created.status_code == 201, created.text
    hook_path = f"/v1/subscriptions/{created.json()['id']}"

    # Readers of the project see it, and cannot change anything.
    assert call(api, tokens["rita"], "GET", hook_path).status_code == 200
    assert created.json()["id"] in subscription_ids(api, tokens["rita"])
    assert call(api, tokens["rita"], "POST", "/v1/subscriptions", json=hook).status_code == 403
    assert call(api, tokens["rita"], "DELETE", hook_path).status_code == 403

    # Another project does not see it at all; the admin does.
    assert call(api, tokens["bob"], "GET", hook_path).status_code == 404
    assert call(api, tokens["bob"], "DELETE", hook_path).status_code == 404
    assert created.json()["id"] not in subscription_ids(api, tokens["bob"])
    assert created.json()["id"] in subscription_ids(api, tokens["adam"])
    bobs = call(api, tokens["bob"], "POST", "/v1/subscriptions", json=hook)
    assert bobs.status_code == 201
    assert bobs.json()["id"] not in subscription_ids(api, tokens["alice"])

    # The member deletes it; the secret never came back on the way.
    for response in (created, call(api, tokens["alice"], "GET", hook_path)):
        assert HOOK["secret"] not in response.text
    assert call(api, tokens["alice"], "DELETE", hook_path).status_code == 204
    assert call(api, tokens["alice"], "GET", hook_path).status_code == 404


def test_without_a_token_there_are_no_subscriptions(api: TestClient) -> None:  # noqa: F811
    response = call(api, None, "GET", "/v1/subscriptions")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
