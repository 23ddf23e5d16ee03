"""A Keystone token is validated once, then answered from the cache until it expires."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from georedflow.api import auth
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


def _keystone_answer(expires_at: str) -> dict[str, object]:
    return {
        "token": {
            "expires_at": expires_at,
            "issued_at": "2026-12-02T00:00:00.000000Z",
            "methods": ["password"],
            "user": {"id": "alice", "name": "alice", "domain": {"id": "default"}},
            "project": {"id": "p1", "name": "p1", "domain": {"id": "default"}},
            "roles": [{"id": "r1", "name": "member"}, {"id": "r2", "name": "reader"}],
        }
    }


class _Answer:
    status_code = 200

    def __init__(self, body: dict[str, object]) -> None:
        self._body = body

    def json(self) -> dict[str, object]:
        return self._body


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Australia/Sydney"])  # Sydney: DST now
def test_the_expiry_is_read_in_utc_whatever_the_local_zone(
    monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    tokens = KeystoneTokens(
        KeystoneSettings(auth_url="http://keystone", username="u", password="p")
    )
    in_a_minute = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    monkeypatch.setattr(
        tokens._session, "get", lambda *a, **k: _Answer(_keystone_answer(in_a_minute))
    )
    try:
        caller, expires_in = tokens._validate("t1")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

    assert caller == Caller(user_id="alice", project_id="p1", roles=frozenset({"member", "reader"}))
    assert 55 < expires_in <= 60


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = KeystoneTokens(
        KeystoneSettings(auth_url="http://keystone", username="u", password="p")
    )
    monkeypatch.setattr(tokens, "_validate", lambda _token: (ALICE, 3600.0))
    monkeypatch.setattr(auth, "CACHE_SIZE", 3)

    for token in ("t1", "t2", "t3", "t4"):
        tokens.caller(token)

    assert tokens.cached("t1") is None  # the oldest went
    assert [tokens.cached(t) for t in ("t2", "t3", "t4")] == [ALICE] * 3
