import pytest

from georedflow.exceptions import NotFound
from georedflow.storage import db, migrate
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.models import Connection


def repository(sqlite_url: str) -> ConfigRepository:
    migrate.upgrade(sqlite_url)
    sessions = db.make_session_factory(db.make_engine(sqlite_url))
    with sessions.begin() as session:
        session.add(
            Connection(
                id="c1", name="c", mode="warm", technology="vxlan", scope="region", state="ACTIVE"
            )
        )
    return ConfigRepository(sessions)


def test_versions_count_up_and_only_the_last_ones_are_kept(sqlite_url: str) -> None:
    configs = repository(sqlite_url)
    for n in range(1, 6):
        assert configs.put("c1", "text/plain", f"v{n}", keep=3).version == n

    assert configs.get("c1").content == "v5"
    assert configs.get("c1", 3).content == "v3"
    with pytest.raises(NotFound, match="no config version 2"):
        configs.get("c1", 2)


def test_a_connection_without_snapshots_says_so(sqlite_url: str) -> None:
    configs = repository(sqlite_url)
    assert configs.latest("c1") is None
    with pytest.raises(NotFound, match="no config snapshot"):
        configs.get("c1")
