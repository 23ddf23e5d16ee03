"""What a site offers and already uses: read before a plan is made, by a dry run and a flow.

Read only. The planner (planning/planner.py) chooses from these figures; the
pre-flight (services/preflight.py) also compares the quota with what a build makes.
"""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import InvalidInput
from georedflow.planning.needs import Needs
from georedflow.storage.models import Site


def missing_extensions(driver: SiteDriver, needs: Needs) -> list[str]:
    offered = set(driver.extensions(cached=True))
    return [alias for alias in needs.extensions if alias not in offered]


def survey_site(
    driver: SiteDriver, site: Site, technology: str, needs: Needs, *, role: str = "site"
) -> dict[str, Any]:
    """The site's subnets' CIDRs, the segmentation ids in use, its external network.

    ``role`` names the endpoint in errors ("remote.site far lacks ...").
    """
    missing = missing_extensions(driver, needs)
    if missing:
        raise InvalidInput(
            f"{role} {site.name} lacks the Neutron extension(s) {', '.join(missing)} "
            f"that {technology} needs"
        )
    survey: dict[str, Any] = {
        "cidrs": sorted({s["cidr"] for s in driver.query(Kind.SUBNET)}),
        "segmentation_ids": {},
        "external_network_id": None,
    }
    if needs.segmentation:
        networks = driver.query(Kind.NETWORK, **{"provider:network_type": needs.segmentation})
        survey["segmentation_ids"][needs.segmentation] = sorted(
            n["provider:segmentation_id"]
            for n in networks
            if n.get("provider:segmentation_id") is not None
        )
    if needs.external_network:
        survey["external_network_id"] = _external_network(driver, site, role, technology)
    return survey


def _external_network(driver: SiteDriver, site: Site, role: str, technology: str) -> str:
    ref = site.external_network
    if not ref:
        raise InvalidInput(f"{role} {site.name} has no external_network; {technology} needs one")
    for network in driver.external_networks(cached=True):
        if ref in (network["id"], network["name"]):
            return str(network["id"])
    raise InvalidInput(f"{role} {site.name}: no external network named or with id '{ref}'")
