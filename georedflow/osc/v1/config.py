"""Config snapshots of a VNF, versioned, delivered to the spare at activation."""

import argparse
import sys
from typing import Any

from georedflow.client.lookup import connection_id
from georedflow.osc.v1.base import Base, Show


def _path(api: Any, connection: str) -> str:
    return f"/v1/connections/{connection_id(api, connection)}/config"


class PutConfig(Show):
    """Store a new version of a connection's config (JSON or text)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("connection", metavar="<connection>", help="name or id")
        parser.add_argument("file", metavar="<file>", help="a file, or - for standard input")
        parser.add_argument(
            "--content-type", help="default: application/json for *.json, else text/plain"
        )
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        if parsed_args.file == "-":
            content = sys.stdin.buffer.read()
        else:
            with open(parsed_args.file, "rb") as source:
                content = source.read()
        media_type = parsed_args.content_type or (
            "application/json" if parsed_args.file.endswith(".json") else "text/plain"
        )
        stored: dict[str, Any] = self.api.call(
            "PUT",
            _path(self.api, parsed_args.connection),
            content=content,
            headers={"Content-Type": media_type},
        )
        return stored


class GetConfig(Base):
    """Print a connection's latest config, or version N, as it was stored."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("connection", metavar="<connection>", help="name or id")
        parser.add_argument(
            "--config-version",
            dest="version",
            type=int,
            metavar="N",
            help="this version instead of the latest (georedflow: --version N too)",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        params = {"version": parsed_args.version} if parsed_args.version else {}
        response = self.api.request("GET", _path(self.api, parsed_args.connection), params=params)
        self.app.stdout.write(response.text)
        version = response.headers.get("georedflow-config-version")
        self.app.stderr.write(f"config version {version}\n")
        return 0
