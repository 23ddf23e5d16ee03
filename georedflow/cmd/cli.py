"""georedflow: the user's command line, a client of the HTTP API.

    georedflow site list
    georedflow connection create --name vnf-a --mode warm --technology ipsec \\
        --local east --remote west --wait
    georedflow connection activate CONNECTION_ID --wait
    georedflow config put CONNECTION_ID vnf-config.json
    georedflow job watch JOB_ID

Authentication: --token (or GEOREDFLOW_TOKEN / OS_TOKEN), or --os-cloud (or
OS_CLOUD) naming a clouds.yaml entry to get a Keystone token from.
"""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import georedflow
from georedflow.client import output
from georedflow.client.api import ApiClient, ClientError
from georedflow.client.progress import watch

DEFAULT_URL = "http://127.0.0.1:9797"
SITE_COLUMNS = ["name", "cloud", "region", "cell", "status", "id"]
CONNECTION_COLUMNS = ["id", "name", "technology", "mode", "scope", "state"]
JOB_COLUMNS = ["id", "kind", "state", "progress", "attempts", "connection_id"]


def _token(args: argparse.Namespace) -> str | None:
    if args.token:
        return str(args.token)
    if args.os_cloud:
        import openstack.config

        region = openstack.config.OpenStackConfig().get_one(cloud=args.os_cloud)
        return str(region.get_session().get_token())
    return None


def _endpoint(text: str) -> dict[str, str]:
    """``SITE`` or ``SITE:CIDR`` → an endpoint body."""
    site, _, cidr = text.partition(":")
    return {"site": site, **({"cidr": cidr} if cidr else {})}


def _physnets(items: list[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items)


def _wait_for(api: ApiClient, job: dict[str, Any]) -> int:
    final = watch(api, job["id"])
    if final["state"] == "FAILED":
        error = final.get("error") or {}
        print(
            f"georedflow: job {final['id']} failed in {error.get('task')}: {error.get('message')}",
            file=sys.stderr,
        )
        return 1
    print(f"job {final['id']} {final['state']}", file=sys.stderr)
    return 0


def _site(api: ApiClient, args: argparse.Namespace) -> int:
    if args.action == "list":
        print(output.render(api.call("GET", "/v1/sites")["sites"], args.format, SITE_COLUMNS))
    elif args.action == "show":
        print(output.render(api.call("GET", f"/v1/sites/{args.site}"), args.format))
    elif args.action == "create":
        body = {
            "name": args.name,
            "cloud": args.cloud,
            "region": args.region,
            "cell": args.cell,
            "external_network": args.external_network,
            "physical_networks": _physnets(args.physnet),
            "description": args.description,
        }
        print(output.render(api.call("POST", "/v1/sites", json=body), args.format))
    elif args.action == "delete":
        api.call("DELETE", f"/v1/sites/{args.site}")
    elif args.action == "probe":
        job = api.call("POST", f"/v1/sites/{args.site}/probe")
        return _wait_for(api, job) if args.wait else _show_job(job, args)
    return 0


def _show_job(job: dict[str, Any], args: argparse.Namespace) -> int:
    print(output.render(job, args.format))
    return 0


def _connection(api: ApiClient, args: argparse.Namespace) -> int:
    if args.action == "list":
        filters = {
            k: getattr(args, k) for k in ("state", "site", "technology", "mode") if getattr(args, k)
        }
        found = api.call("GET", "/v1/connections", params=filters)["connections"]
        print(output.render(found, args.format, CONNECTION_COLUMNS))
        return 0
    if args.action == "show":
        print(output.render(api.call("GET", f"/v1/connections/{args.id}"), args.format))
        return 0
    if args.action == "create":
        options = {
            "segmentation_id": args.segmentation_id,
            "mtu": args.mtu,
            "route_targets": args.route_target or None,
            "bandwidth_mbps": args.bandwidth_mbps,
            "prebuild": True if args.prebuild else None,
            "activation_callback": args.activation_callback,
        }
        body = {
            "name": args.name,
            "mode": args.mode,
            "technology": args.technology,
            "local": _endpoint(args.local),
            "remote": _endpoint(args.remote),
            "options": {k: v for k, v in options.items() if v is not None},
        }
        accepted = api.call("POST", "/v1/connections", json=body)
    elif args.action == "delete":
        accepted = api.call("DELETE", f"/v1/connections/{args.id}")
    else:  # activate, verify, repair
        accepted = api.call("POST", f"/v1/connections/{args.id}/{args.action}")
    if not args.wait:
        print(output.render(accepted, args.format))
        return 0
    code = _wait_for(api, accepted["job"])
    if args.action != "delete":
        shown = api.call("GET", f"/v1/connections/{accepted['connection']['id']}")
        print(output.render(shown, args.format))
    return code


def _config(api: ApiClient, args: argparse.Namespace) -> int:
    path = f"/v1/connections/{args.connection}/config"
    if args.action == "get":
        params = {"version": args.version} if args.version else {}
        response = api.request("GET", path, params=params)
        sys.stdout.write(response.text)
        print(
            f"config version {response.headers.get('georedflow-config-version')}", file=sys.stderr
        )
        return 0
    source = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")  # noqa: SIM115
    with source:
        content = source.read()
    media_type = args.content_type or (
        "application/json" if args.file.endswith(".json") else "text/plain"
    )
    stored = api.call("PUT", path, content=content, headers={"Content-Type": media_type})
    print(output.render(stored, args.format))
    return 0


def _job(api: ApiClient, args: argparse.Namespace) -> int:
    if args.action == "list":
        print(output.render(api.call("GET", "/v1/jobs")["jobs"], args.format, JOB_COLUMNS))
        return 0
    if args.action == "show":
        return _show_job(api.call("GET", f"/v1/jobs/{args.id}"), args)
    return _wait_for(api, {"id": args.id})


def _status(api: ApiClient, args: argparse.Namespace) -> int:
    body = api.call("GET", "/readyz")
    print(f"{api.url}: ready (database revision {body.get('database_revision')})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="georedflow", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {georedflow.__version__}")
    parser.add_argument(
        "--url",
        default=os.environ.get("GEOREDFLOW_URL", DEFAULT_URL),
        help="georedflow API endpoint (env GEOREDFLOW_URL; default %(default)s)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("GEOREDFLOW_TOKEN") or os.environ.get("OS_TOKEN"),
        help="Keystone token",
    )
    parser.add_argument(
        "--os-cloud",
        default=os.environ.get("OS_CLOUD"),
        help="clouds.yaml entry to get a Keystone token from",
    )
    parser.add_argument("-f", "--format", choices=["table", "json"], default="table")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("status", help="show whether the API is up and ready")

    site = commands.add_parser("site", help="sites (NFVIs)").add_subparsers(
        dest="action", required=True
    )
    site.add_parser("list")
    for action in ("show", "delete"):
        site.add_parser(action).add_argument("site")
    probe = site.add_parser("probe")
    probe.add_argument("site")
    probe.add_argument("--wait", action="store_true")
    create = site.add_parser("create")
    create.add_argument("--name", required=True)
    create.add_argument("--cloud", required=True, help="clouds.yaml entry")
    create.add_argument("--region")
    create.add_argument("--cell")
    create.add_argument("--external-network")
    create.add_argument(
        "--physnet",
        action="append",
        default=[],
        metavar="ROLE=PHYSNET",
        help="dci=... or cell=...; repeat",
    )
    create.add_argument("--description", default="")

    conn = commands.add_parser("connection", help="connections").add_subparsers(
        dest="action", required=True
    )
    listing = conn.add_parser("list")
    for name in ("state", "site", "technology", "mode"):
        listing.add_argument(f"--{name}")
    conn.add_parser("show").add_argument("id")
    for action, about in (
        ("delete", "undo the connection on both sites"),
        ("activate", "fail over: the backup becomes primary (a cold one is built first)"),
        ("verify", "compare both sites with the record"),
        ("repair", "replace what drifted, make again what is missing"),
    ):
        command = conn.add_parser(action, help=about)
        command.add_argument("id")
        command.add_argument("--wait", action="store_true", help="follow the job to its end")
    new = conn.add_parser("create")
    new.add_argument("--name", required=True)
    new.add_argument("--mode", required=True, choices=["hot", "warm", "cold"])
    new.add_argument(
        "--technology",
        required=True,
        choices=["vlan", "vxlan", "gre", "ipsec", "bgpvpn", "segments"],
    )
    new.add_argument("--local", required=True, metavar="SITE[:CIDR]")
    new.add_argument("--remote", required=True, metavar="SITE[:CIDR]")
    new.add_argument("--segmentation-id", type=int)
    new.add_argument("--mtu", type=int)
    new.add_argument("--route-target", action="append")
    new.add_argument("--bandwidth-mbps", type=int, help="hot: the guaranteed bandwidth")
    new.add_argument("--prebuild", action="store_true", help="cold: build the link at once")
    new.add_argument("--activation-callback", help="URL the config goes to on activation")
    new.add_argument("--wait", action="store_true", help="follow the job to its end")

    config = commands.add_parser("config", help="config snapshots of a VNF").add_subparsers(
        dest="action", required=True
    )
    put = config.add_parser("put", help="store a new version (JSON or text)")
    put.add_argument("connection")
    put.add_argument("file", help="a file, or - for standard input")
    put.add_argument("--content-type", help="default: application/json for *.json, else text")
    get = config.add_parser("get", help="print the latest version, or --version N")
    get.add_argument("connection")
    get.add_argument("--version", type=int)

    job = commands.add_parser("job", help="jobs").add_subparsers(dest="action", required=True)
    job.add_parser("list")
    job.add_parser("show").add_argument("id")
    job.add_parser("watch").add_argument("id")
    return parser


COMMANDS: dict[str, Callable[[ApiClient, argparse.Namespace], int]] = {
    "status": _status,
    "site": _site,
    "connection": _connection,
    "config": _config,
    "job": _job,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        api = ApiClient(args.url, _token(args))
        try:
            return COMMANDS[args.command](api, args)
        finally:
            api.close()
    except ClientError as error:
        print(f"georedflow: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
