"""What a site offers and already uses: read before a plan is made, by a dry run and a flow.

Read only. The planner (planning/planner.py) chooses from these figures; the
pre-flight (services/preflight.py) also compares the quota with what a build makes.
"""

from typing import Any

from georedflow.clouds.driver import SiteDriver
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import InvalidInput
from georedflow.storage.models import Site
from georedflow.technologies import TECHNOLOGIES, Technology


def missing_extensions(driver: SiteDriver, technology: Technology) -> list[str]:
    offered = set(driver.extensions())
    return [alias for alias in TECHNOLOGIES[technology].extensions if alias not in offered]


def survey_site(
    driver: SiteDriver, site: Site, technology: Technology, *, role: str = "site"
) -> dict[str, Any]:
    """The site's subnets' CIDRs, the segmentation ids in use, its external network.

    ``role`` names the endpoint in errors ("remote.site far lacks ...").
    """
    info = TECHNOLOGIES[technology]
    missing = missing_extensions(driver, technology)
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
    if info.stretched and info.network_type:
        networks = driver.query(Kind.NETWORK, **{"provider:network_type": info.network_type})
        survey["segmentation_ids"][info.network_type] = sorted(
            n["provider:segmentation_id"]
            for n in networks
            if n.get("provider:segmentation_id") is not None
        )
    if technology is Technology.IPSEC:
        survey["external_network_id"] = _external_network(driver, site, role)
    return survey


def _external_network(driver: SiteDriver, site: Site, role: str) -> str:
    ref = site.external_network
    if not ref:
        raise InvalidInput(f"{role} {site.name} has no external_network; ipsec needs one")
    for network in driver.query(Kind.NETWORK, **{"router:external": True}):
        if ref in (network["id"], network["name"]):
            return str(network["id"])
    raise InvalidInput(f"{role} {site.name}: no external network named or with id '{ref}'")
