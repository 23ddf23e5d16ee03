import os
import stat
from pathlib import Path

import pytest

from georedflow.crypto import SecretBox, load_or_create_key
from georedflow.exceptions import GeoredflowError
from georedflow.planning.psk import generate_psk


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "secret.key"

    first = load_or_create_key(str(path))
    second = load_or_create_key(str(path))

    assert first == second
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_secret_box_round_trips_and_hides_its_key(tmp_path: Path) -> None:
    key = load_or_create_key(str(tmp_path / "k"))
    box = SecretBox(key)
    psk = generate_psk()

    token = box.encrypt(psk)

    assert psk not in token
    assert box.decrypt(token) == psk
    assert key.decode() not in repr(box)
    assert len(psk) >= 40


def test_a_changed_key_is_reported_not_crashed(tmp_path: Path) -> None:
    token = SecretBox(load_or_create_key(str(tmp_path / "a"))).encrypt("x")

    with pytest.raises(GeoredflowError, match="secret key changed"):
        SecretBox(load_or_create_key(str(tmp_path / "b"))).decrypt(token)
