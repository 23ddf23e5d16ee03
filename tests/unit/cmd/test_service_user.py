"""The service user that validates tokens: any keystoneauth plugin from [service_auth]."""

from pathlib import Path

import pytest
from keystoneauth1.identity import generic, v3

from georedflow.cmd import config as cmd_config


def _tokens(tmp_path: Path, text: str) -> object:
    path = tmp_path / "georedflow.conf"
    path.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n[api]\nauth_strategy = keystone\n{text}")
    config = cmd_config.load(["--config-file", str(path)], "test")
    tokens = cmd_config.keystone_tokens(config)
    assert tokens is not None
    return tokens._session.auth  # type: ignore[attr-defined]


def test_an_application_credential_can_be_the_service_user(tmp_path: Path) -> None:
    auth = _tokens(
        tmp_path,
        "[service_auth]\nauth_type = v3applicationcredential\nauth_url = http://ks:5000/v3\n"
        "application_credential_id = abc\napplication_credential_secret = s3cr3t\n",
    )

    assert isinstance(auth, v3.ApplicationCredential)
    assert auth.auth_url == "http://ks:5000/v3"  # and tokens are checked there


def test_a_password_in_service_auth_is_keystoneauth_s_password_plugin(tmp_path: Path) -> None:
    auth = _tokens(
        tmp_path,
        "[service_auth]\nauth_type = password\nauth_url = http://ks/v3\nusername = svc\n"
        "password = pw\nproject_name = service\nuser_domain_name = Default\n"
        "project_domain_name = Default\n",
    )

    assert isinstance(auth, generic.Password)  # keystoneauth's, discovering the version


def test_without_service_auth_the_keystone_user_and_password_still_work(tmp_path: Path) -> None:
    auth = _tokens(tmp_path, "[keystone]\nauth_url = http://ks/v3\nusername = svc\npassword = pw\n")

    assert isinstance(auth, v3.Password)
    assert auth.auth_url == "http://ks/v3"


def test_no_service_user_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"needs \[keystone\] auth_url, username, password"):
        _tokens(tmp_path, "")
