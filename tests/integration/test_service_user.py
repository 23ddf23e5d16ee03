"""An application credential as georedflow's service user, against the lab's real Keystone."""

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openstack
import pytest

from georedflow.api.auth import KeystoneTokens
from georedflow.cmd import config as cmd_config
from tests.integration.test_policy import KEYSTONE, tokens  # noqa: F401 (a fixture)

pytestmark = pytest.mark.lab


@pytest.fixture
def app_credential(lab_clouds: str) -> Iterator[tuple[str, str]]:
    """An application credential of the lab's admin (its id and secret), removed after."""
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    conn = openstack.connection.Connection(config=config.get_one(cloud="lab-east"))
    user = conn.identity.get_user(conn.current_user_id)
    secret = secrets.token_urlsafe(16)
    made = conn.identity.create_application_credential(
        user, name=f"georedflow-test-{secrets.token_hex(4)}", secret=secret
    )
    yield made.id, secret
    conn.identity.delete_application_credential(user, made)


def test_tokens_are_validated_by_an_application_credential(
    tmp_path: Path,
    app_credential: tuple[str, str],
    tokens: dict[str, str],  # noqa: F811
) -> None:
    credential_id, secret = app_credential
    path = tmp_path / "georedflow.conf"
    path.write_text(
        f"[DEFAULT]\nstate_path = {tmp_path}\n[api]\nauth_strategy = keystone\n"
        f"[service_auth]\nauth_type = v3applicationcredential\nauth_url = {KEYSTONE}\n"
        f"application_credential_id = {credential_id}\n"
        f"application_credential_secret = {secret}\n"
    )
    validator: Any = cmd_config.keystone_tokens(cmd_config.load(["--config-file", str(path)], "t"))
    assert isinstance(validator, KeystoneTokens)

    caller = validator.caller(tokens["alice"])

    assert caller.project_id is not None
    assert "member" in caller.roles
