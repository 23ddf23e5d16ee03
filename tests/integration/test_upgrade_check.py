"""georedflow-status upgrade check on a host of a real deployment: the lab's clouds and
a real ZooKeeper answer, so every check passes."""

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from georedflow.cmd.status import main
from georedflow.storage import db, migrate
from georedflow.storage.models import Site
from tests.integration.harness import SITES

pytestmark = [pytest.mark.lab, pytest.mark.zookeeper]


def test_every_check_passes_against_the_lab_and_zookeeper(
    tmp_path: Path, lab_clouds: str, zookeeper_hosts: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'georedflow.sqlite'}"
    migrate.upgrade(url)
    with db.make_session_factory(db.make_engine(url)).begin() as session:
        for site in SITES[:3]:
            session.add(Site(name=site["name"], cloud=site["cloud"], region=site["region"]))
    (tmp_path / "secret.key").write_bytes(Fernet.generate_key())
    config = tmp_path / "georedflow.conf"
    config.write_text(
        f"[DEFAULT]\nstate_path = {tmp_path}\n[clouds]\nconfig_file = {lab_clouds}\n"
        f"[jobboard]\nbackend = zookeeper\nhosts = {zookeeper_hosts}\n"
    )

    code = main(["--config-file", str(config), "upgrade", "check"])
    shown = capsys.readouterr().out

    assert code == 0, shown
    assert "3 site(s) answered" in shown
    assert f"ZooKeeper at {zookeeper_hosts} answered" in shown
