"""The policy's defaults are today's table; policy.yaml overrides them, as in OpenStack."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from oslo_config import cfg

from georedflow.api import policy
from georedflow.api.auth import NOAUTH, Caller
from georedflow.exceptions import Forbidden

ALLOWED = {  # who may, by default: the table georedflow always had
    "rule:reader": {"reader", "member", "admin"},
    "rule:member": {"member", "admin"},
    "rule:admin": {"admin"},
}


def _caller(role: str) -> Caller:
    return Caller(user_id="u", project_id="p", roles=frozenset({role}))


def _allowed(role: str, action: str) -> bool:
    try:
        policy.enforce(_caller(role), action)
    except Forbidden:
        return False
    return True


@pytest.fixture
def enforcer(tmp_path: Path) -> Iterator[Path]:
    """An enforcer reading tmp_path/policy.yaml; the defaults again afterwards."""
    conf = cfg.ConfigOpts()
    conf([], project="georedflow", default_config_files=[])
    path = tmp_path / "policy.yaml"
    policy.init(conf, policy_file=str(path))  # set_defaults would change every later conf
    yield path
    policy._enforcer = None


@pytest.mark.parametrize("action", sorted(policy.RULES))
@pytest.mark.parametrize("role", ["reader", "member", "admin", "other"])
def test_every_default_allows_exactly_the_roles_it_always_did(
    enforcer: Path, action: str, role: str
) -> None:
    expected = role in ALLOWED[policy.RULES[action].check_str]

    assert _allowed(role, action) is expected
    assert _allowed("admin", action)
    policy.enforce(NOAUTH, action)  # without authentication: everything


def test_policy_yaml_overrides_a_default_and_the_refusal_says_so(enforcer: Path) -> None:
    enforcer.write_text('"connection:verify": "rule:admin"\n')
    policy.get_enforcer().load_rules(force_reload=True)

    assert not _allowed("member", "connection:verify")
    assert _allowed("admin", "connection:verify")
    assert _allowed("member", "connection:repair")  # the others keep their defaults
    with pytest.raises(Forbidden, match="connection:verify"):
        policy.enforce(_caller("member"), "connection:verify")


def test_a_changed_policy_file_applies_without_a_restart(
    enforcer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policy, "RELOAD_SECONDS", 0.0)
    assert _allowed("reader", "job:list")

    enforcer.write_text('"job:list": "rule:member"\n')

    assert not _allowed("reader", "job:list")


def test_the_sample_lists_every_rule_with_its_default() -> None:
    sample = (Path(__file__).parents[3] / "conf" / "policy.yaml.sample").read_text()

    for rule in policy.list_rules():
        assert f'#"{rule.name}": "{rule.check_str}"' in sample, "run make sample-policy"


def test_a_decision_is_remembered_until_the_rules_change(
    enforcer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = policy.Enforcer.enforce

    def counting(self: policy.Enforcer, rule: str, *args: object, **kwargs: object) -> bool:
        checked.append(rule)
        return bool(real(self, rule, *args, **kwargs))

    monkeypatch.setattr(policy.Enforcer, "enforce", counting)
    for _ in range(3):
        assert _allowed("reader", "job:show")
    assert not _allowed("other", "job:show")
    assert checked == ["job:show", "job:show"]  # once per caller, then remembered

    enforcer.write_text('"job:show": "rule:member"\n')
    policy.get_enforcer().load_rules(force_reload=True)

    assert not _allowed("reader", "job:show")
    assert checked == ["job:show", "job:show", "job:show"]
