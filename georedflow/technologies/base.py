"""What a technology is: a small interface that its module implements.

A technology says what it needs (``Needs``: the Neutron extensions, stretched or
routed, the identifier it agrees, its site checks), what each site builds on its
own, what joins the two sites, and what a verify looks at. Everything else is
derived: the flows, the pre-flight's counts, the delete (from the kinds its tasks
make) and the choices of the API and the CLI (from the entry points' names).
"""

import abc
from collections.abc import Iterable
from typing import ClassVar

from georedflow import drift
from georedflow.clouds.driver import Resource
from georedflow.clouds.kinds import Kind
from georedflow.planning.needs import Needs
from georedflow.roles import ROLES
from georedflow.tasks import network, qos
from georedflow.tasks.base import SiteTask
from georedflow.tasks.verify import VerifyNetwork, VerifySubnet


class Technology(abc.ABC):
    name: ClassVar[str]
    needs: ClassVar[Needs]
    # The two sites are one Neutron (cells): the remote side's parts go before the local
    # network they belong to, instead of both sites deleting side by side.
    delete_remote_first: ClassVar[bool] = False

    def __str__(self) -> str:
        return self.name

    @abc.abstractmethod
    def link_tasks(self, role: str) -> list[SiteTask]:
        """What one site builds for the link on its own, in order."""

    def site_tasks(self, role: str, mode: str) -> list[SiteTask]:
        """What one site builds before anything needs the other side."""
        return self.link_tasks(role) + self.qos_tasks(role, mode)

    def qos_tasks(self, role: str, mode: str) -> list[SiteTask]:
        """Hot standby: a bandwidth guarantee on each side's link network."""
        return [qos.CreateQosPolicy(role), qos.ApplyQosPolicy(role)] if mode == "hot" else []

    def join_tasks(self) -> list[SiteTask]:
        """Steps that need what the other side built."""
        return []

    def verify_tasks(self) -> list[SiteTask]:
        return [task for role in ROLES for task in (VerifyNetwork(role), VerifySubnet(role))]

    def before_delete(self, role: str) -> dict[Kind, list[SiteTask]]:
        """What a delete must undo on this side before it deletes a kind (what uses it)."""
        return {}

    def drift_checks(self) -> tuple[drift.Check, ...]:
        """What a verify and the audit compare a found resource with (the link network,
        its subnet, a hot standby's bandwidth); a technology adds its own parts'."""
        return (
            drift.Check(Kind.NETWORK, _network_drift),
            drift.Check(Kind.SUBNET, _subnet_drift),
            drift.Check(Kind.QOS_POLICY, _bandwidth_drift),
        )


def _network_drift(side: drift.Side, found: Resource) -> Iterable[str]:
    qos = side.recorded(Kind.QOS_POLICY)
    # The agreed id is the link network's own only where the plan gives the network a type.
    stretched_id = side.plan.get("segmentation_id") if side.plan.get("network_type") else None
    wanted = {"provider:segmentation_id": stretched_id, "qos_policy_id": qos[0] if qos else None}
    return drift.mismatches(found, wanted)


def _subnet_drift(side: drift.Side, found: Resource) -> Iterable[str]:
    return drift.mismatches(found, {"cidr": side.plan.get(side.role, {}).get("cidr")})


def _bandwidth_drift(side: drift.Side, found: Resource) -> Iterable[str]:
    if not side.plan.get("bandwidth_mbps"):
        return []
    rates = [rule.get("max_kbps") for rule in found.get("rules") or []]
    wanted = side.plan["bandwidth_mbps"] * 1000
    return [] if wanted in rates else [f"bandwidth limits are {rates} kbps, recorded {wanted}"]


class StretchedNetwork(Technology):
    """A provider network with the agreed segmentation id and one subnet on each side,
    half of the allocation pool each (vlan, vxlan, gre)."""

    def link_tasks(self, role: str) -> list[SiteTask]:
        return [network.CreateNetwork(role), network.CreateSubnet(role)]
