"""Connections: the georedundant links between two sites (by name or id)."""

import argparse
from typing import Any

from georedflow import technologies
from georedflow.client.lookup import connection_id, find_connection, pages
from georedflow.osc.v1.base import Base, List, Show, add_wait

COLUMNS = ("id", "name", "technology", "mode", "scope", "state")
FILTERS = ("state", "site", "technology", "mode")


def endpoint(text: str) -> dict[str, str]:
    """``SITE`` or ``SITE:CIDR`` → an endpoint body."""
    site, _, cidr = text.partition(":")
    return {"site": site, **({"cidr": cidr} if cidr else {})}


def _names(text: str | None) -> list[str] | None:
    return [n.strip() for n in text.split(",") if n.strip()] if text else None


def remote_endpoint(parsed_args: argparse.Namespace) -> dict[str, Any]:
    """``--remote SITE[:CIDR]``, or candidates (``--remote-candidates``/``--remote-any``)."""
    if parsed_args.remote:
        remote: dict[str, Any] = endpoint(parsed_args.remote)
    elif parsed_args.remote_any:
        remote = {"any": True}
    else:
        remote = {"candidates": _names(parsed_args.remote_candidates)}
    extra = {
        "cidr": parsed_args.remote_cidr,
        "prefer": _names(parsed_args.prefer),
        "affinity": parsed_args.affinity,
    }
    return {**remote, **{k: v for k, v in extra.items() if v}}


def add_connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("connection", metavar="<connection>", help="name or id")


class ListConnection(List):
    """List the connections, with filters."""

    columns = COLUMNS

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for name in FILTERS:
            parser.add_argument(f"--{name}", help=f"only the connections with this {name}")
        parser.add_argument("--limit", type=int, help="one page of at most this many")
        parser.add_argument("--marker", help="the page after this connection id")
        return parser

    def documents(self, parsed_args: argparse.Namespace) -> list[dict[str, Any]]:
        filters = {k: getattr(parsed_args, k) for k in FILTERS if getattr(parsed_args, k)}
        if parsed_args.limit is None and parsed_args.marker is None:
            return list(pages(self.api, "/v1/connections", "connections", filters))
        page = {"limit": parsed_args.limit, "marker": parsed_args.marker}
        params = {**filters, **{k: v for k, v in page.items() if v is not None}}
        found: list[dict[str, Any]] = self.api.call("GET", "/v1/connections", params=params)[
            "connections"
        ]
        return found


class ShowConnection(Show):
    """Show a connection: state, scope, what was built on each side, its current job."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_connection(parser)
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return find_connection(self.api, parsed_args.connection)


class _Change(Show):
    """A change of a connection: shows the connection, after its job with ``--wait``."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_arguments(parser)
        add_wait(parser)
        return parser

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_connection(parser)

    def start(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        """Ask for the change: the API's answer, the connection and its job."""
        raise NotImplementedError

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        accepted = self.start(parsed_args)
        if not parsed_args.wait:
            shown: dict[str, Any] = accepted["connection"]
            return shown  # its job_id is the job just started
        self.wait_for(accepted["job"])
        return self.after(accepted)

    def after(self, accepted: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = self.api.call(
            "GET", f"/v1/connections/{accepted['connection']['id']}"
        )
        return found


class CreateConnection(_Change):
    """Create a connection between two sites (202: a job builds it)."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--mode", required=True, choices=["hot", "warm", "cold"])
        parser.add_argument("--technology", required=True, choices=technologies.names())
        parser.add_argument("--local", required=True, metavar="SITE[:CIDR]")
        remote = parser.add_mutually_exclusive_group(required=True)
        remote.add_argument("--remote", metavar="SITE[:CIDR]")
        remote.add_argument(
            "--remote-candidates",
            metavar="SITE,SITE...",
            help="let georedflow choose the backup among these sites (see --dry-run)",
        )
        remote.add_argument(
            "--remote-any", action="store_true", help="choose among every site but the local one"
        )
        parser.add_argument("--remote-cidr", help="with candidates: the remote CIDR")
        parser.add_argument("--prefer", metavar="SITE,SITE...", help="candidates to rank first")
        parser.add_argument(
            "--affinity",
            choices=["same_region", "other_region", "same_cloud", "other_cloud"],
            help="where the chosen backup should be relative to the local site",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="survey both sites and show the plan (and the ranking); build nothing",
        )
        parser.add_argument("--segmentation-id", type=int)
        parser.add_argument("--mtu", type=int)
        parser.add_argument("--route-target", action="append", metavar="ASN:NN")
        parser.add_argument("--bandwidth-mbps", type=int, help="hot: the guaranteed bandwidth")
        parser.add_argument("--prebuild", action="store_true", help="cold: build the link at once")
        parser.add_argument("--activation-callback", help="URL the config goes to on activation")
        parser.add_argument(
            "--auto-failover",
            action="store_true",
            help="activate the standby when the primary's lease (its heartbeats) expires",
        )
        parser.add_argument(
            "--lease-seconds", type=float, help="how long a heartbeat holds the lease"
        )

    def start(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        options = {
            "segmentation_id": parsed_args.segmentation_id,
            "mtu": parsed_args.mtu,
            "route_targets": parsed_args.route_target or None,
            "bandwidth_mbps": parsed_args.bandwidth_mbps,
            "prebuild": True if parsed_args.prebuild else None,
            "activation_callback": parsed_args.activation_callback,
            "auto_failover": True if parsed_args.auto_failover else None,
            "lease_seconds": parsed_args.lease_seconds,
        }
        body = {
            "name": parsed_args.name,
            "mode": parsed_args.mode,
            "technology": parsed_args.technology,
            "local": endpoint(parsed_args.local),
            "remote": remote_endpoint(parsed_args),
            "options": {k: v for k, v in options.items() if v is not None},
        }
        params = {"dry_run": "true"} if parsed_args.dry_run else None
        answer: dict[str, Any] = self.api.call("POST", "/v1/connections", json=body, params=params)
        return answer

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        if parsed_args.dry_run:
            return self.start(parsed_args)  # the plan: nothing started, nothing to wait for
        return super().document(parsed_args)


class DeleteConnection(Base):
    """Undo a connection on both sites (202: a job removes it)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_connection(parser)
        add_wait(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        found = connection_id(self.api, parsed_args.connection)
        job = self.api.call("DELETE", f"/v1/connections/{found}")["job"]
        if parsed_args.wait:
            self.wait_for(job)
        else:
            self.app.stderr.write(f"connection {found} deleting: job {job['id']}\n")
        return 0


class _Action(_Change):
    action = ""

    def body(self, parsed_args: argparse.Namespace) -> dict[str, Any] | None:
        return None

    def start(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        found = connection_id(self.api, parsed_args.connection)
        accepted: dict[str, Any] = self.api.call(
            "POST", f"/v1/connections/{found}/{self.action}", json=self.body(parsed_args)
        )
        return accepted


class ActivateConnection(_Action):
    """Fail over: the backup becomes primary at the next epoch (a cold one is built first)."""

    action = "activate"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--force",
            action="store_true",
            help="even while the primary's lease is live (kept on the job)",
        )

    def body(self, parsed_args: argparse.Namespace) -> dict[str, Any] | None:
        return {"force": True} if parsed_args.force else None


class HeartbeatConnection(Show):
    """Renew the primary's lease with the epoch it holds (refused for an older one)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_connection(parser)
        parser.add_argument("--epoch", type=int, required=True, help="the epoch the primary holds")
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        found = connection_id(self.api, parsed_args.connection)
        lease: dict[str, Any] = self.api.call(
            "POST", f"/v1/connections/{found}/heartbeat", json={"epoch": parsed_args.epoch}
        )
        return lease


class VerifyConnection(_Action):
    """Compare both sites with the record (findings in the connection)."""

    action = "verify"


class RepairConnection(_Action):
    """Replace what drifted, make again what is missing."""

    action = "repair"
