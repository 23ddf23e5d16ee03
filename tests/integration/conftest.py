"""Real servers for the integration tests: PostgreSQL, ZooKeeper and the lab."""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import free_port, missing
from tests.integration.cluster import Cluster
from tests.integration.harness import ApiProcess, Harness, delete_every_connection, write_config
from tests.integration.leaks import georedflow_resources

PG_ADMIN_URL = os.environ.get(
    "GEOREDFLOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ZK_HOSTS = os.environ.get("GEOREDFLOW_TEST_ZK_HOSTS", "127.0.0.1:2181")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError:
        missing(
            f"PostgreSQL at {make_url(PG_ADMIN_URL).render_as_string()}",
            "pg_ctlcluster --skip-systemctl-redirect 15 main start",
        )
    finally:
        engine.dispose()
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A throwaway database, dropped after the test."""
    name = f"georedflow_test_{secrets.token_hex(4)}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def zookeeper_hosts() -> str:
    from kazoo.client import KazooClient
    from kazoo.handlers.threading import KazooTimeoutError

    client = KazooClient(hosts=ZK_HOSTS)
    try:
        client.start(timeout=5)
    except KazooTimeoutError:
        missing(f"ZooKeeper at {ZK_HOSTS}", "scripts/zookeeper.sh start")
    finally:
        client.stop()
        client.close()
    return ZK_HOSTS


# Set when a test first uses the lab: its clouds.yaml and the georedflow resources
# that were there already (a lab shared with `make run` holds the demo's).
_lab_use: dict[str, Any] = {}


@pytest.fixture(scope="session")
def lab_clouds() -> str:
    """The lab's clouds.yaml, once every Neutron of the lab answers."""
    from lab.client import clouds_yaml_path, control

    try:
        for name in ("east", "west", "far"):
            control(name).faults()
    except OSError:
        missing("the lab (Keystone and Neutron)", "python3 -m lab up")
    path = str(clouds_yaml_path())
    _lab_use.update(clouds=path, before=georedflow_resources(path))
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The leak check: a session that used the lab fails if it left a georedflow
    resource on any of its Neutrons, naming each one."""
    if "clouds" not in _lab_use or exitstatus == pytest.ExitCode.INTERRUPTED:
        return
    try:
        left = sorted(georedflow_resources(_lab_use["clouds"]) - _lab_use["before"])
    except Exception as exc:  # a check that cannot look must not pass
        problem = [f"the leak check could not list the lab's resources: {exc!r}"]
    else:
        if not left:
            return
        problem = [f"{len(left)} georedflow resource(s) left on the lab (site kind id name):"]
        problem += [f"  {each}" for each in left]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "lab leak check failed", red=True)
        for line in problem:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def lab(lab_clouds: str) -> Iterator[dict[str, Any]]:
    """Controls of the lab's Neutrons; faults and latency are cleared after the test."""
    from lab.client import control

    controls = {name: control(name) for name in ("east", "west", "far")}
    yield controls
    for each in controls.values():
        each.disarm_faults()
        each.set_latency(0)


@pytest.fixture(scope="module")
def georedflow(tmp_path_factory: pytest.TempPathFactory, lab_clouds: str) -> Iterator[Harness]:
    harness = Harness.start(tmp_path_factory.mktemp("georedflow"), lab_clouds)
    yield harness
    harness.close()


@pytest.fixture
def api(tmp_path: Path, lab_clouds: str) -> Iterator[ApiProcess]:
    port = free_port()
    config = write_config(tmp_path, lab_clouds, port)
    manage = Path(sys.executable).parent / "georedflow-manage"
    subprocess.run([str(manage), "--config-file", str(config), "db", "upgrade"], check=True)
    process = ApiProcess(config, port, tmp_path / "api.log")
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        delete_every_connection(process.call)
    process.stop()


@pytest.fixture
def cluster(
    tmp_path: Path, postgres_url: str, zookeeper_hosts: str, lab_clouds: str
) -> Iterator[Cluster]:
    """An API posting to a fresh ZooKeeper board path, PostgreSQL for everything."""
    group = Cluster(
        directory=tmp_path,
        database=postgres_url,
        clouds=lab_clouds,
        zk_hosts=zookeeper_hosts,
        zk_path=f"/georedflow-test/{secrets.token_hex(4)}/jobs",
    )
    group.start_api()
    yield group
    group.stop()
