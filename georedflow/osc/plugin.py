"""How OpenStackClient loads georedflow (the ``openstack.cli.extension`` entry point).

``openstack georedundancy ...`` finds the API in the Keystone catalog by ``SERVICE_TYPE``, in
the cloud's region and interface, and calls it through the keystoneauth session that
OpenStackClient made (so the token is the session's). An explicit URL overrides the
catalog: ``--os-georedundancy-url`` (env ``OS_GEOREDUNDANCY_URL``), or
``georedundancy_endpoint_override`` in the cloud's clouds.yaml entry.

Imported by every ``openstack`` command: keep the imports here light.
"""

import argparse
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from georedflow.client.api import ApiClient

API_NAME = "georedundancy"
API_VERSION_OPTION = "os_georedundancy_api_version"
DEFAULT_API_VERSION = "1"
API_VERSIONS = {"1": "georedflow.client.api.ApiClient"}
SERVICE_TYPE = "georedundancy"  # the catalog's service type of georedflow's API
URL_ENV = "OS_GEOREDUNDANCY_URL"


def base_url(endpoint: str) -> str:
    """The API's root: the client's paths start at ``/v1``, which a catalog entry may hold."""
    endpoint = endpoint.rstrip("/")
    return endpoint[: -len("/v1")] if endpoint.endswith("/v1") else endpoint


def not_in_catalog(where: str) -> str:
    return (
        f"no '{SERVICE_TYPE}' endpoint in the service catalog{where}: register one "
        f"(openstack endpoint create {SERVICE_TYPE} ...) or give the API's URL"
    )


def catalog_url(session: Any, interface: str | None, region_name: str | None) -> str:
    """The API's URL from the catalog of a keystoneauth ``session``."""
    from keystoneauth1 import exceptions as ks_exceptions

    from georedflow.client.api import ClientError

    try:
        endpoint = session.get_endpoint(
            service_type=SERVICE_TYPE, interface=interface or "public", region_name=region_name
        )
    except ks_exceptions.EndpointNotFound:
        endpoint = None
    except ks_exceptions.ClientException as error:  # no token: bad credentials, no Keystone
        raise ClientError(f"cannot read the service catalog: {error}") from None
    if not endpoint:
        raise ClientError(not_in_catalog(f" (region {region_name})" if region_name else ""))
    return base_url(str(endpoint))


def make_client(instance: Any) -> "ApiClient":
    """The API client for OpenStackClient's ``ClientManager`` ``instance``."""
    from georedflow.client.api import ApiClient

    options = getattr(instance, "_cli_options", None)
    explicit = options.config.get("georedundancy_url") if options is not None else None
    if explicit:
        return ApiClient(base_url(explicit), session=instance.session)
    override = options.config.get(f"{SERVICE_TYPE}_endpoint_override") if options else None
    url = (
        base_url(override)
        if override
        else catalog_url(instance.session, instance.interface, instance.region_name)
    )
    return ApiClient(url, session=instance.session)


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """OpenStackClient's global options that belong to this plugin."""
    parser.add_argument(
        "--os-georedundancy-api-version",
        metavar="<georedundancy-api-version>",
        default=os.environ.get("OS_GEOREDUNDANCY_API_VERSION", DEFAULT_API_VERSION),
        help=f"georedflow API version, default {DEFAULT_API_VERSION} "
        "(env OS_GEOREDUNDANCY_API_VERSION)",
    )
    parser.add_argument(
        "--os-georedundancy-url",
        "--georedundancy-url",
        dest="os_georedundancy_url",
        metavar="<url>",
        default=os.environ.get(URL_ENV),
        help=f"georedflow API URL instead of the catalog's (env {URL_ENV})",
    )
    return parser
