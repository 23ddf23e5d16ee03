"""An operator's policy.yaml, enforced on real Keystone tokens: verify for admins only."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from oslo_config import cfg

from georedflow.api import policy
from tests.integration.test_policy import alices, api, call, tokens, wait  # noqa: F401

pytestmark = pytest.mark.lab


@pytest.fixture
def admins_only_verify(tmp_path: Path) -> Iterator[None]:
    path = tmp_path / "policy.yaml"
    path.write_text('"connection:verify": "rule:admin"\n')
    conf = cfg.ConfigOpts()
    conf([], project="georedflow", default_config_files=[])
    policy.init(conf, policy_file=str(path))  # set_defaults would change every later conf
    yield
    policy._enforcer = None  # the defaults again


def test_a_policy_override_refuses_a_member_and_lets_the_admin(
    api: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    alices: dict[str, Any],  # noqa: F811
    admins_only_verify: None,
) -> None:
    path = f"/v1/connections/{alices['connection']['id']}"

    refused = call(api, tokens["alice"], "POST", f"{path}/verify")
    allowed = call(api, tokens["adam"], "POST", f"{path}/verify")

    assert refused.status_code == 403, refused.text
    assert "connection:verify" in refused.json()["detail"]
    assert allowed.status_code == 202, allowed.text
    assert wait(api, tokens["adam"], allowed.json()["job"]["id"])["state"] == "SUCCEEDED"
    repair = call(api, tokens["alice"], "POST", f"{path}/repair")  # its default stands
    assert repair.status_code == 202, repair.text
    assert wait(api, tokens["alice"], repair.json()["job"]["id"])["state"] == "SUCCEEDED"
