"""Subscriptions: webhooks that receive job and connection events."""

import argparse
from typing import Any
from urllib.parse import quote

from georedflow.client.lookup import connection_id, pages
from georedflow.osc.v1.base import Base, List, Show

COLUMNS = ("id", "callback_uri", "signed", "filter")


class ListSubscription(List):
    """List the subscriptions."""

    columns = COLUMNS

    def documents(self, parsed_args: argparse.Namespace) -> list[dict[str, Any]]:
        return list(pages(self.api, "/v1/subscriptions", "subscriptions"))


class ShowSubscription(Show):
    """Show a subscription (its secret is never shown)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("subscription", metavar="<subscription>", help="id")
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        path = f"/v1/subscriptions/{quote(parsed_args.subscription, safe='')}"
        found: dict[str, Any] = self.api.call("GET", path)
        return found


class CreateSubscription(Show):
    """Subscribe a callback URL to events, all of them or those filtered."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("callback_uri", metavar="<callback-uri>", help="http or https URL")
        parser.add_argument(
            "--connection",
            action="append",
            default=[],
            metavar="<connection>",
            help="only this connection's events (name or id); repeat",
        )
        parser.add_argument(
            "--event-type",
            action="append",
            default=[],
            metavar="<event-type>",
            help="only these events (job.succeeded, job.failed, connection.state_changed, "
            "connection.degraded, connection.fenced; the API is the reference); repeat",
        )
        parser.add_argument(
            "--secret", help="signs every body (X-Georedflow-Signature); never shown again"
        )
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        selected: dict[str, Any] = {}
        if parsed_args.connection:
            selected["connection_ids"] = [
                connection_id(self.api, c) for c in parsed_args.connection
            ]
        if parsed_args.event_type:
            selected["event_types"] = parsed_args.event_type
        body: dict[str, Any] = {"callback_uri": parsed_args.callback_uri, "filter": selected}
        if parsed_args.secret:
            body["secret"] = parsed_args.secret
        made: dict[str, Any] = self.api.call("POST", "/v1/subscriptions", json=body)
        return made


class DeleteSubscription(Base):
    """Delete subscriptions."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("subscription", metavar="<subscription>", nargs="+", help="id")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        for subscription in parsed_args.subscription:
            self.api.call("DELETE", f"/v1/subscriptions/{quote(subscription, safe='')}")
        return 0
