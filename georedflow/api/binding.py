"""Where the API may listen: without authentication, only on a loopback address."""

import ipaddress

from georedflow.exceptions import GeoredflowError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name we would have to trust to resolve to loopback


def check_bind(auth_strategy: str, bind_host: str) -> None:
    """Refuse to serve an unauthenticated API on an address others can reach."""
    if auth_strategy == "noauth" and not is_loopback(bind_host):
        raise GeoredflowError(
            f"[api] auth_strategy is noauth, so georedflow-api serves only on a loopback "
            f"address (127.0.0.1, ::1), not on {bind_host}: anyone reaching it could change "
            "both sites' networks. Set [api] auth_strategy = keystone to listen there."
        )
