"""georedflow-status upgrade check: is this host ready to run the newest georedflow?

oslo.upgradecheck's command, as every OpenStack service has one (``nova-status``,
``octavia-status``): exit 0 when every check passes, 1 with a warning, 2 with a
failure. Run it on every host (API and workers) before and after an upgrade. As
oslo.upgradecheck asks, the checks read the database with plain SQL, not through
the repositories, so they also run against the schema of the release before.
"""

import contextlib
import hashlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from georedflow import conf
from georedflow.clouds.openstack import Clouds
from georedflow.crypto import SecretBox
from georedflow.exceptions import CloudError, GeoredflowError
from georedflow.jobs.zookeeper import make_client
from georedflow.storage import db, migrate

Code, Result = upgradecheck.Code, upgradecheck.Result


def fingerprint(key: bytes) -> str:
    """A short digest of the secret key: equal on every host, or secrets break."""
    return "sha256:" + hashlib.sha256(key).hexdigest()[:16]


class Checks(upgradecheck.UpgradeCommands):
    def __init__(self, config: cfg.ConfigOpts) -> None:
        self._config = config

    def _sql(self, query: str) -> list[Any]:
        engine = db.make_engine(self._config.database.connection)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(query)))
        finally:
            engine.dispose()

    def _check_database(self) -> Any:
        url = self._config.database.connection
        engine = db.make_engine(url)
        try:
            current = migrate.current_revision(engine)
        except SQLAlchemyError as error:
            return Result(Code.FAILURE, f"the database cannot be read: {error}")
        finally:
            engine.dispose()
        head = migrate.head_revision()
        if current != head:
            return Result(
                Code.FAILURE,
                f"the database schema is at {current or 'none'}, this release needs {head}: "
                "run 'georedflow-manage db upgrade'",
            )
        return Result(Code.SUCCESS, f"schema at {head}")

    def _check_secret_key(self) -> Any:
        path = self._config.planning.secret_key_file
        try:
            stored = self._sql("SELECT ciphertext FROM secrets LIMIT 1")
        except SQLAlchemyError:
            stored = []  # no schema yet: the database check says so
        if not os.path.exists(path):
            if stored:
                return Result(
                    Code.FAILURE,
                    f"no secret key at {path}, but the database holds secrets made with one: "
                    "copy the key file from the other hosts",
                )
            return Result(Code.WARNING, f"no secret key at {path}: one is made on first start")
        with open(path, "rb") as handle:
            key = handle.read().strip()
        try:
            box = SecretBox(key)
            if stored:
                box.decrypt(stored[0][0])
        except (ValueError, GeoredflowError):
            return Result(
                Code.FAILURE,
                f"the key at {path} ({fingerprint(key)}) does not open the stored secrets: "
                "every host needs the same key file",
            )
        return Result(Code.SUCCESS, f"key {fingerprint(key)} at {path}; the same on every host")

    def _check_clouds(self) -> Any:
        try:
            sites = self._sql("SELECT name, cloud, region FROM sites ORDER BY name")
        except SQLAlchemyError:
            return Result(Code.WARNING, "no sites could be read (see the database check)")
        if not sites:
            return Result(Code.SUCCESS, "no sites registered yet")
        clouds = Clouds(self._config.clouds.config_file, api_timeout=10)
        failed = []
        for name, cloud, region in sites:
            try:
                clouds.driver(name, cloud, region).extensions()
            except (CloudError, GeoredflowError) as error:
                failed.append(f"{name}: {error}")
        if failed:
            return Result(Code.WARNING, "unreachable: " + "; ".join(failed))
        return Result(Code.SUCCESS, f"{len(sites)} site(s) answered")

    def _check_zookeeper(self) -> Any:
        board = self._config.jobboard
        if board.backend != "zookeeper":
            return Result(Code.SUCCESS, "not used: the embedded job board")
        client = make_client(list(board.hosts), board.session_timeout)
        try:
            client.start(timeout=board.session_timeout)
        except Exception as error:  # kazoo raises its own timeout, not a common base
            return Result(Code.FAILURE, f"ZooKeeper at {','.join(board.hosts)}: {error}")
        finally:
            with contextlib.suppress(Exception):
                client.stop()
                client.close()
        return Result(Code.SUCCESS, f"ZooKeeper at {','.join(board.hosts)} answered")

    _upgrade_checks = (
        ("Database schema", _check_database),
        ("Secret key", _check_secret_key),
        ("Clouds of the registered sites", _check_clouds),
        ("ZooKeeper job board", _check_zookeeper),
    )


def main(argv: Sequence[str] | None = None) -> int:
    config = cfg.ConfigOpts()
    conf.register_opts(config)
    code: int = upgradecheck.main(
        config,
        project="georedflow",
        upgrade_command=Checks(config),
        argv=list(sys.argv[1:] if argv is None else argv),
        default_config_files=[],
    )
    return code
