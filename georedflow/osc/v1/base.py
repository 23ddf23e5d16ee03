"""What every georedflow command shares: the API client, tables that fit 100 columns, an
exit code of its own (a job that failed), a quiet end when the reader of the output is
gone (``| head``), and ``--wait``."""

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from cliff import command, lister, show

from georedflow.client import output
from georedflow.client.api import ApiClient
from georedflow.client.progress import watch
from georedflow.states import JobState

WIDTH = 100  # the widest a table is drawn, unless CLIFF_MAX_TERM_WIDTH says otherwise


def table_width() -> int:
    """100 columns, or the terminal's when it is narrower."""
    configured = os.environ.get("CLIFF_MAX_TERM_WIDTH")
    if configured:
        return int(configured)
    if sys.stdout.isatty():
        return min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns)
    return WIDTH


def quiet_stdout() -> None:
    """The reader went away: send what is still buffered nowhere, so that the interpreter's
    last flush does not report the broken pipe either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class Base(command.Command):
    """A command of the georedflow API."""

    exit_code = 0  # set by take_action: 1 when the job it waited for failed

    @property
    def api(self) -> ApiClient:
        # OpenStackClient's ClientManager, or the georedflow command's: both have it
        client: ApiClient = self.app.client_manager.georedundancy  # type: ignore[attr-defined]
        return client

    def run(self, parsed_args: argparse.Namespace) -> int:
        try:
            code = super().run(parsed_args)
            self.app.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        except BrokenPipeError:
            quiet_stdout()
            raise  # cliff answers it with 141, as a process killed by SIGPIPE would
        return self.exit_code or code

    def wait_for(self, job: dict[str, Any]) -> dict[str, Any]:
        """Follow the job to its end with a progress line on stderr; the final job."""
        final = watch(self.api, job["id"], out=self.app.stderr)
        if final["state"] == JobState.FAILED:
            error = final.get("error") or {}
            self.app.stderr.write(
                f"job {final['id']} failed in {error.get('task')}: {error.get('message')}\n"
            )
            self.exit_code = 1
        else:
            self.app.stderr.write(f"job {final['id']} {final['state']}\n")
        return final


def add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait", action="store_true", help="follow the job to its end, with its progress"
    )


class Show(Base, show.ShowOne):
    """One resource: a field per row; nested values short in a table, whole in JSON."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        # Fit 100 columns: the formatter wraps what is still wider. (Lists are not wrapped:
        # an id cut in two cannot be copied.)
        parser.set_defaults(max_width=table_width())
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        found = self.document(parsed_args)
        columns = list(found)
        return columns, output.cells(found, columns, parsed_args.columns or ())


class List(Base, lister.Lister):
    """Resources: a few columns in a table; every field in JSON or YAML, or by ``-c``."""

    columns: Sequence[str] = ()

    def documents(self, parsed_args: argparse.Namespace) -> list[dict[str, Any]]:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Sequence[str], Any]:
        found = self.documents(parsed_args)
        asked = parsed_args.columns or ()
        if asked or parsed_args.formatter in ("json", "yaml"):
            columns = list(dict.fromkeys(k for doc in found for k in doc)) or list(self.columns)
        else:
            columns = list(self.columns)
        return columns, [output.cells(doc, columns, asked) for doc in found]
