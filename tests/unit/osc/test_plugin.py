"""How OpenStackClient loads the plugin, and where the API's URL comes from."""

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cliff.command import Command
from keystoneauth1 import exceptions as ks_exceptions

from georedflow.client.api import ClientError
from georedflow.osc import plugin

ROOT = Path(__file__).parents[3]


class Session:
    """A keystoneauth session's catalog lookup."""

    def __init__(self, endpoint: str | None) -> None:
        self.endpoint, self.asked = endpoint, []

    def get_endpoint(self, **kwargs: Any) -> str | None:
        self.asked.append(kwargs)
        if self.endpoint is None:
            raise ks_exceptions.EndpointNotFound()
        return self.endpoint


def instance(endpoint: str | None, **config: str) -> Any:
    """OpenStackClient's ClientManager, as far as make_client reads it."""
    return SimpleNamespace(
        session=Session(endpoint),
        interface="internal",
        region_name="RegionTwo",
        _cli_options=SimpleNamespace(config=config),
    )


def test_the_plugin_declares_what_openstackclient_reads() -> None:
    (extension,) = importlib.metadata.entry_points(
        group="openstack.cli.extension", name="georedundancy"
    )

    assert extension.load() is plugin
    assert plugin.API_NAME == "georedundancy"
    assert plugin.API_VERSION_OPTION == "os_georedundancy_api_version"
    assert plugin.DEFAULT_API_VERSION in plugin.API_VERSIONS


def test_every_command_entry_point_loads_a_cliff_command() -> None:
    group = f"openstack.{plugin.API_NAME}.v{plugin.DEFAULT_API_VERSION}"
    entries = importlib.metadata.entry_points(group=group)
    names = {e.name for e in entries}

    assert {"georedundancy_connection_create", "georedundancy_site_show"} <= names
    for entry in entries:
        assert entry.name.startswith("georedundancy_")
        assert issubclass(entry.load(), Command), entry.name


def test_the_url_comes_from_the_catalog_in_the_clouds_region_and_interface() -> None:
    found = instance("https://georedflow.example.org:9797/v1/")

    client = plugin.make_client(found)

    assert client.url == "https://georedflow.example.org:9797"
    assert found.session.asked == [
        {"service_type": "georedundancy", "interface": "internal", "region_name": "RegionTwo"}
    ]


def test_an_explicit_url_or_the_clouds_override_wins_over_the_catalog() -> None:
    explicit = instance("https://catalog", georedundancy_url="http://127.0.0.1:9797")
    override = instance("https://catalog", georedundancy_endpoint_override="http://over:1/v1")

    assert plugin.make_client(explicit).url == "http://127.0.0.1:9797"
    assert plugin.make_client(override).url == "http://over:1"
    assert explicit.session.asked == override.session.asked == []


def test_no_endpoint_in_the_catalog_is_a_clear_error() -> None:
    with pytest.raises(ClientError, match="no 'georedundancy' endpoint in the service catalog"):
        plugin.make_client(instance(None))


def test_the_global_options_default_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    monkeypatch.setenv("OS_GEOREDUNDANCY_URL", "http://from-env:9797")
    parser = plugin.build_option_parser(argparse.ArgumentParser())

    assert parser.parse_args([]).os_georedundancy_url == "http://from-env:9797"
    assert parser.parse_args(["--georedundancy-url", "http://x"]).os_georedundancy_url == "http://x"
    assert parser.parse_args([]).os_georedundancy_api_version == "1"


def test_loading_the_plugin_or_the_cli_pulls_in_none_of_the_server() -> None:
    probe = (
        "import sys, georedflow.osc.plugin, georedflow.cmd.cli, georedflow.osc.v1.connection; "
        "print(' '.join(m for m in sys.modules if m.startswith(("
        "'georedflow.api', 'georedflow.storage', 'georedflow.jobs', 'fastapi', 'sqlalchemy'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()

    assert loaded == []


CHILD = """
import sys
from georedflow.cmd.cli import Georedflow
from tests.unit.osc.fake import FakeApi, site
everything = {"sites": [site(f"site-{i}") for i in range(3000)]}
def answer(request):  # one page of 3,000, then the end
    return {"sites": []} if "marker" in request.url.params else everything
api = FakeApi({("GET", "/v1/sites"): answer})
sys.exit(Georedflow(api=api.client()).run(["site", "list"]))
"""


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"+--")  # `| head -1`
    child.stdout.close()
    errors = child.stderr.read().decode()
    code = child.wait(timeout=60)

    assert code == 141  # as if SIGPIPE had ended it, like any Unix filter
    assert "Traceback" not in errors and "BrokenPipe" not in errors and "Broken pipe" not in errors


class Cloud:
    """openstacksdk's CloudRegion, as far as the georedflow command reads it."""

    def __init__(self, endpoint: str | None, **config: str) -> None:
        self.session, self.config, self.region_name = Session(endpoint), config, "RegionOne"

    def get_session(self) -> Session:
        return self.session

    def get_interface(self) -> str:
        return "public"


def options(**given: str | None) -> Any:
    return SimpleNamespace(**{"url": None, "token": None, "os_cloud": None, **given})


@pytest.mark.parametrize(
    ("given", "config", "url"),
    [
        ({}, {}, "http://127.0.0.1:9797"),  # today's default, without a cloud
        ({"url": "http://api:1"}, {}, "http://api:1"),
        ({"os_cloud": "lab"}, {}, "https://catalog:9797"),
        ({"os_cloud": "lab", "url": "http://api:1"}, {}, "http://api:1"),
        ({"os_cloud": "lab"}, {"georedundancy_endpoint_override": "http://o:2/v1"}, "http://o:2"),
    ],
)
def test_the_georedflow_command_finds_its_api_like_openstack_does(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, str], config: dict[str, str], url: str
) -> None:
    import openstack.config

    from georedflow.cmd import cli

    cloud = Cloud("https://catalog:9797/", **config)
    monkeypatch.setattr(
        openstack.config,
        "OpenStackConfig",
        lambda: SimpleNamespace(get_one=lambda cloud_name=None, **kw: cloud),
    )

    client = cli.connect(options(**given))

    assert client.url == url
    assert (client._session is cloud.session) is bool(given.get("os_cloud"))
    client.close()
