"""Sites: the NFVIs georedflow builds on, each a clouds.yaml entry (by name or id)."""

import argparse
from typing import Any
from urllib.parse import quote

from georedflow.client.lookup import pages
from georedflow.osc.v1.base import Base, List, Show, add_wait

COLUMNS = ("name", "cloud", "region", "cell", "status", "id")


def _physnets(items: list[str]) -> dict[str, str]:
    pairs = [item.partition("=") for item in items]
    bad = [item for item, (_, sep, value) in zip(items, pairs, strict=True) if not sep or not value]
    if bad:
        raise argparse.ArgumentTypeError(f"--physnet wants ROLE=PHYSNET, not {bad[0]!r}")
    return {role: physnet for role, _, physnet in pairs}


class ListSite(List):
    """List the sites."""

    columns = COLUMNS

    def documents(self, parsed_args: argparse.Namespace) -> list[dict[str, Any]]:
        return list(pages(self.api, "/v1/sites", "sites"))


class ShowSite(Show):
    """Show a site: its cloud, capabilities and reachability."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", help="name or id")
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        found: dict[str, Any] = self.api.call(
            "GET", f"/v1/sites/{quote(parsed_args.site, safe='')}"
        )
        return found


class CreateSite(Show):
    """Register a site (admin): georedflow probes it at once."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--name", required=True)
        parser.add_argument("--cloud", required=True, help="its clouds.yaml entry")
        parser.add_argument("--region")
        parser.add_argument("--cell", help="Nova cell, for cell-scope connections")
        parser.add_argument("--external-network", help="name or id; ipsec needs it")
        parser.add_argument(
            "--physnet",
            action="append",
            default=[],
            metavar="ROLE=PHYSNET",
            help="dci=PHYSNET, cell=PHYSNET or l2gw=DEVICE/INTERFACE; repeat",
        )
        parser.add_argument("--description", default="")
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        body = {
            "name": parsed_args.name,
            "cloud": parsed_args.cloud,
            "region": parsed_args.region,
            "cell": parsed_args.cell,
            "external_network": parsed_args.external_network,
            "physical_networks": _physnets(parsed_args.physnet),
            "description": parsed_args.description,
        }
        made: dict[str, Any] = self.api.call("POST", "/v1/sites", json=body)
        return made


class DeleteSite(Base):
    """Delete a site (refused while a connection uses it)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", nargs="+", help="name or id")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        for site in parsed_args.site:
            self.api.call("DELETE", f"/v1/sites/{quote(site, safe='')}")
        return 0


class ProbeSite(Show):
    """Refresh a site's capabilities and reachability: shows the job."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", help="name or id")
        add_wait(parser)
        return parser

    def document(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        job: dict[str, Any] = self.api.call(
            "POST", f"/v1/sites/{quote(parsed_args.site, safe='')}/probe"
        )
        return self.wait_for(job) if parsed_args.wait else job
