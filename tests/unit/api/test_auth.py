"""A Keystone token is validated once, then answered from the cache until it expires."""

import pytest

from georedflow.api.auth import Caller, KeystoneSettings, KeystoneTokens
from georedflow.exceptions import Unauthenticated

ALICE = Caller(user_id="alice", project_id="p1", roles=frozenset({"member"}))


def test_a_validated_token_is_cached_and_a_missing_one_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = KeystoneTokens(
        KeystoneSettings(auth_url="http://keystone", username="u", password="p")
    )
    asked: list[str] = []

    def validate(token: str) -> tuple[Caller, float]:
        asked.append(token)
        return ALICE, 3600.0

    monkeypatch.setattr(tokens, "_validate", validate)

    assert tokens.cached("t1") is None
    assert tokens.caller("t1") == ALICE
    assert tokens.cached("t1") == ALICE
    assert tokens.caller("t1") == ALICE
    assert asked == ["t1"]
    assert tokens.cached(None) is None
    with pytest.raises(Unauthenticated):
        tokens.caller(None)


def test_an_expired_token_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = KeystoneTokens(
        KeystoneSettings(auth_url="http://keystone", username="u", password="p")
    )
    monkeypatch.setattr(tokens, "_validate", lambda _token: (ALICE, 0.0))
    tokens.caller("t1")

    assert tokens.cached("t1") is None
