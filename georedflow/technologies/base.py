"""What a technology is: a small interface that its module implements.

A technology says what it needs (``Needs``: the Neutron extensions, stretched or
routed, the identifier it agrees, its site checks), what each site builds on its
own, what joins the two sites, and what a verify looks at. Everything else is
derived: the flows, the pre-flight's counts, the delete (from the kinds its tasks
make) and the choices of the API and the CLI (from the entry points' names).
"""

import abc
from typing import ClassVar

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


class StretchedNetwork(Technology):
    """A provider network with the agreed segmentation id and one subnet on each side,
    half of the allocation pool each (vlan, vxlan, gre)."""

    def link_tasks(self, role: str) -> list[SiteTask]:
        return [network.CreateNetwork(role), network.CreateSubnet(role)]
