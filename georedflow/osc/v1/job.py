"""Jobs: the state, progress and tasks of every change."""

import argparse
from itertools import islice
from typing import Any
from urllib.parse import quote

from georedflow.client.lookup import connection_id, pages
from georedflow.osc.v1.base import Base, List, Show

COLUMNS = ("id", "kind", "state", "progress", "connection_id")  # the rest: -c or -f json


class ListJob(List):
    """List the jobs, newest first."""

    columns = COLUMNS

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--state", help="QUEUED, RUNNING, SUCCEEDED or FAILED")
        parser.add_argument(
            "--connection", metavar="<connection>", help="only this connection's (name or id)"
        )
        parser.add_argument("--limit", type=int, help="the newest this many")
        return parser

    def documents(self, parsed_args: argparse.Namespace) -> list[dict[str, Any]]:
        filters: dict[str, Any] = {"state": parsed_args.state} if parsed_args.state else {}
        if parsed_args.connection:
            filters["connection_id"] = connection_id(self.api, parsed_args.connection)
        # Newest first, as the monitoring page shows them: the API sorts, the CLI stops early.
        newest = {**filters, "sort_key": "created_at", "sort_dir": "desc"}
        return list(islice(pages(self.api, "/v1/jobs", "jobs", newest), parsed_args.limit))


class ShowJob(Show):
    """Show a job: state, progress, each task with its site, the error."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("job", metavar="<job>", help="id")
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        found: dict[str, Any] = self.api.call("GET", f"/v1/jobs/{quote(parsed_args.job, safe='')}")
        return found


class WatchJob(Base):
    """Follow a job to its end with its progress; exit 1 when it fails."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("job", metavar="<job>", help="id")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        self.wait_for({"id": parsed_args.job})
        return 0
