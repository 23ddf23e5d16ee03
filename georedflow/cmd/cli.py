"""georedflow: the user's command line, a client of the HTTP API.

    georedflow site list
    georedflow connection create --name vnf-a --mode warm --technology ipsec \\
        --local east --remote west --wait
    georedflow connection activate vnf-a --wait
    georedflow config put vnf-a vnf-config.json
    georedflow job watch JOB_ID

The same commands as ``openstack georedundancy ...`` (georedflow.osc), under a short name.
The API: --url (or GEOREDFLOW_URL); else, with --os-cloud (or OS_CLOUD) naming a
clouds.yaml entry, the 'georedundancy' endpoint of that cloud's service catalog, called
with the cloud's Keystone token; else http://127.0.0.1:9797. A token without a cloud:
--token (or GEOREDFLOW_TOKEN / OS_TOKEN).
"""

import argparse
import importlib.metadata
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from cliff.app import App
from cliff.commandmanager import CommandManager
from cliff.display import DisplayCommandBase

import georedflow
from georedflow.client.api import ApiClient
from georedflow.osc import plugin

DEFAULT_URL = "http://127.0.0.1:9797"
COMMANDS = f"openstack.{plugin.API_NAME}.v{plugin.DEFAULT_API_VERSION}"
PREFIX = f"{plugin.API_NAME}_"  # openstack georedundancy site list → georedflow site list
FORMAT_OPTIONS = ("-f", "--format")
VALUED_OPTIONS = ("--url", "--token", "--os-cloud", "--log-file")  # the global ones


class Commands(CommandManager):
    """OpenStackClient's georedflow commands, without their ``georedundancy`` word."""

    def load_commands(self, namespace: str) -> None:
        self.group_list.append(namespace)
        for entry in importlib.metadata.entry_points(group=namespace):
            self.commands[entry.name.removeprefix(PREFIX).replace("_", " ")] = entry


class Clients:
    """What the commands ask for as ``app.client_manager``, as in OpenStackClient."""

    def __init__(self, options: argparse.Namespace, api: ApiClient | None = None) -> None:
        self._options = options
        self._api = api

    @property
    def georedundancy(self) -> ApiClient:
        if self._api is None:
            self._api = connect(self._options)
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()


def connect(options: argparse.Namespace) -> ApiClient:
    """The API the options name: by URL, or the cloud's, found as ``openstack`` finds it."""
    if not options.os_cloud:
        return ApiClient(options.url or DEFAULT_URL, options.token)
    import openstack.config

    cloud = openstack.config.OpenStackConfig().get_one(cloud=options.os_cloud)
    session = cloud.get_session()
    url = options.url or cloud.config.get(f"{plugin.SERVICE_TYPE}_endpoint_override")
    if not url:
        interface = cloud.get_interface()  # one for every service unless configured per service
        url = plugin.catalog_url(
            session, interface if isinstance(interface, str) else None, cloud.region_name
        )
    return ApiClient(plugin.base_url(url), session=session)


class Georedflow(App):
    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        api: ApiClient | None = None,
    ) -> None:
        """``api``: this client instead of one from the options (tests)."""
        super().__init__(
            description=__doc__,
            version=georedflow.__version__,
            command_manager=Commands(COMMANDS),
            stdout=stdout,
            stderr=stderr,
            deferred_help=True,
        )
        self._api = api
        self.client_manager: Clients | None = None

    def build_option_parser(
        self,
        description: str | None,
        version: str | None,
        argparse_kwargs: dict[str, Any] | None = None,
    ) -> argparse.ArgumentParser:
        parser = super().build_option_parser(
            description,
            version,
            {**(argparse_kwargs or {}), "formatter_class": argparse.RawDescriptionHelpFormatter},
        )
        parser.add_argument(
            "--url",
            default=os.environ.get("GEOREDFLOW_URL"),
            help="georedflow API endpoint (env GEOREDFLOW_URL); default: the catalog's "
            f"with --os-cloud, else {DEFAULT_URL}",
        )
        parser.add_argument(
            "--token",
            default=os.environ.get("GEOREDFLOW_TOKEN") or os.environ.get("OS_TOKEN"),
            help="Keystone token (env GEOREDFLOW_TOKEN or OS_TOKEN)",
        )
        parser.add_argument(
            "--os-cloud",
            default=os.environ.get("OS_CLOUD"),
            help="clouds.yaml entry: its token, and the API from its catalog (env OS_CLOUD)",
        )
        return parser

    def configure_logging(self) -> None:
        super().configure_logging()
        # cliff's console shows INFO by default, which is a line per HTTP request from
        # httpx ('HTTP Request: POST ... 409 Conflict') before the error that explains it.
        quiet = self.options.verbose_level < 2 and not self.options.debug
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING if quiet else logging.NOTSET)

    def initialize_app(self, argv: list[str]) -> None:
        self.client_manager = Clients(self.options, self._api)

    def clean_up(self, cmd: Any, result: int, err: BaseException | None) -> None:
        if self.client_manager is not None:
            self.client_manager.close()

    def run(self, argv: list[str]) -> int:
        """cliff's run, with today's command line kept: a ``-f`` before the command
        (``georedflow -f json connection list``) and ``config get ID --version N``."""
        head, command, given = self._split(argv)
        if not command:
            if not any(w in ("-h", "--help", "--version") for w in head):
                self.parser.print_help(self.stdout)  # as before: no command, the help
                return 0
            return super().run(argv)
        # cliff parses its global options in the whole line, where --version would be its
        # own: after the command it is the config version (the command's --config-version).
        command = [_config_version(word) for word in command]
        if given:
            try:
                factory, _, _ = self.command_manager.find_command(list(command))
                shows = issubclass(factory, DisplayCommandBase)
            except ValueError:  # not a command: cliff says so
                shows = True
            command += given if shows else []
        return super().run(head + command)

    @staticmethod
    def _split(argv: list[str]) -> tuple[list[str], list[str], list[str]]:
        """The global options, the command with its own, and a ``-f`` given before it."""
        head: list[str] = []
        given: list[str] = []
        at = 0
        while at < len(argv) and argv[at].startswith("-"):
            word = argv[at]
            if word in FORMAT_OPTIONS:
                given = argv[at : at + 2]
            elif word.startswith("--format="):
                given = [word]
            else:
                head += argv[at : at + (2 if word in VALUED_OPTIONS else 1)]
            at += 2 if word in FORMAT_OPTIONS or word in VALUED_OPTIONS else 1
        return head, argv[at:], given

    def interact(self) -> None:
        """Never cliff's interactive shell."""
        self.parser.print_help(self.stdout)


def _config_version(word: str) -> str:
    if word == "--version" or word.startswith("--version="):
        return word.replace("--version", "--config-version", 1)
    return word


def main(argv: Sequence[str] | None = None) -> int:
    return Georedflow().run(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
