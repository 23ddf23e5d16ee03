"""georedflow-status upgrade check: each check can fail, and says what to do."""

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from georedflow.cmd.status import fingerprint, main
from georedflow.crypto import SecretBox
from georedflow.storage import db, migrate
from georedflow.storage.models import Connection, Secret, Site


def _config(directory: Path, extra: str = "") -> Path:
    path = directory / "georedflow.conf"
    path.write_text(f"[DEFAULT]\nstate_path = {directory}\n{extra}")
    return path


def _checks(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, tuple[int, str]]]:
    code = main(["--config-file", str(config), "upgrade", "check", "--json"])
    shown = json.loads(capsys.readouterr().out)
    return code, {c["check"]: (c["result"], c["details"]) for c in shown["checks"]}


def _upgraded(directory: Path) -> str:
    url = f"sqlite:///{directory / 'georedflow.sqlite'}"
    migrate.upgrade(url)
    return url


def _store_secret(url: str, key: bytes) -> None:
    sessions = db.make_session_factory(db.make_engine(url))
    with sessions.begin() as session:
        connection = Connection(
            name="c", mode="warm", technology="ipsec", scope="region", state="ACTIVE"
        )
        session.add(connection)
        session.flush()
        session.add(Secret(connection_id=connection.id, ciphertext=SecretBox(key).encrypt("k")))


def test_a_database_behind_the_release_fails_with_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, checks = _checks(_config(tmp_path), capsys)

    assert code == 2
    result, details = checks["Database schema"]
    assert result == 2 and "georedflow-manage db upgrade" in details
    assert checks["Secret key"][0] == 1  # none yet: made on first start


def test_an_upgraded_host_with_its_key_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _upgraded(tmp_path)
    key = Fernet.generate_key()
    (tmp_path / "secret.key").write_bytes(key)
    _store_secret(url, key)

    code, checks = _checks(_config(tmp_path), capsys)

    assert code == 0, checks
    assert fingerprint(key) in checks["Secret key"][1]


def test_a_key_that_does_not_open_the_stored_secrets_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _upgraded(tmp_path)
    _store_secret(url, Fernet.generate_key())
    (tmp_path / "secret.key").write_bytes(Fernet.generate_key())  # another host's

    code, checks = _checks(_config(tmp_path), capsys)

    assert code == 2
    assert "does not open the stored secrets" in checks["Secret key"][1]


def test_a_missing_key_with_stored_secrets_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _store_secret(_upgraded(tmp_path), Fernet.generate_key())

    code, checks = _checks(_config(tmp_path), capsys)

    assert code == 2
    assert "copy the key file" in checks["Secret key"][1]


def test_a_site_whose_cloud_cannot_be_reached_is_a_warning_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _upgraded(tmp_path)
    with db.make_session_factory(db.make_engine(url)).begin() as session:
        session.add(Site(name="east", cloud="nowhere"))
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text("clouds: {}\n")

    code, checks = _checks(_config(tmp_path, f"[clouds]\nconfig_file = {clouds}\n"), capsys)

    assert code == 1, checks
    result, details = checks["Clouds of the registered sites"]
    assert result == 1 and "east" in details


def test_an_unreachable_zookeeper_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _upgraded(tmp_path)
    board = "[jobboard]\nbackend = zookeeper\nhosts = 127.0.0.1:1\nsession_timeout = 1\n"

    code, checks = _checks(_config(tmp_path, board), capsys)

    assert code == 2
    assert "127.0.0.1:1" in checks["ZooKeeper job board"][1]
