"""The planning options, as plain data handed to flows."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanningSettings:
    cidr_pool: str = "10.240.0.0/12"
    cidr_prefix: int = 24
    vlan_ranges: tuple[str, ...] = ("1000:1099",)
    vni_ranges: tuple[str, ...] = ("5000:5999",)
    gre_key_ranges: tuple[str, ...] = ("7000:7999",)
    route_target_asn: int = 64512
    dci_physnet: str = "dci"
    status_timeout: float = 120.0
    survey_max_age: float = 60.0
