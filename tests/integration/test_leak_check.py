"""The session's leak check (tests/integration/conftest.py) fails a session that leaks."""

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import openstack

from tests.conftest import REPO

INNER_TEST = """
import openstack


def test_makes_a_network_and_keeps_it(lab_clouds):
    config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
    conn = openstack.connection.Connection(config=config.get_one(cloud="lab-west"))
    conn.network.create_network(name={name!r})
"""


def test_a_session_that_leaves_a_georedflow_resource_fails_naming_it(
    tmp_path: Path, lab_clouds: str
) -> None:
    name = f"georedflow-leakcheck-{secrets.token_hex(4)}"
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TEST.format(name=name)))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        # the integration conftest as a plugin: its fixtures and its session hook
        args = ["-q", "-p", "tests.integration.conftest", "-p", "no:cacheprovider", str(tmp_path)]
        inner = subprocess.run(
            [sys.executable, "-m", "pytest", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        config = openstack.config.OpenStackConfig(config_files=[lab_clouds])
        conn = openstack.connection.Connection(config=config.get_one(cloud="lab-west"))
        made = list(conn.network.networks(name=name))
        for network in made:
            conn.network.delete_network(network)

    assert "1 passed" in inner.stdout, inner.stdout + inner.stderr
    assert inner.returncode == 1, inner.stdout
    assert len(made) == 1
    assert "lab leak check failed" in inner.stdout
    assert f"west network {made[0].id} {name}" in inner.stdout
