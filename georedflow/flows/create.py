"""Building a connection: checkpoint, survey and plan, both sites in parallel, joins, verify.

A cold standby only plans and reserves at create (``build_reserve_flow``); the
build graph is the same when it is activated or repaired later (flows/standby.py).
"""

from taskflow.flow import Flow
from taskflow.patterns import graph_flow, linear_flow, unordered_flow

from georedflow.clouds.kinds import Kind
from georedflow.roles import ROLES
from georedflow.tasks import bgpvpn, network, qos, router, vpn
from georedflow.tasks.base import SiteTask
from georedflow.tasks.connection import RecordConnection, mark_building
from georedflow.tasks.plan import PlanConnection, SurveySite
from georedflow.tasks.standby import MarkConnectionDormant
from georedflow.tasks.verify import VerifyNetwork, VerifySubnet, WaitForSiteConnection
from georedflow.technologies import Technology

MODES = ("hot", "warm", "cold")


def _qos_tasks(technology: Technology, role: str, mode: str) -> list[SiteTask]:
    """Hot standby: a bandwidth guarantee on each side's link network."""
    if mode != "hot" or (technology is Technology.SEGMENTS and role == "remote"):
        return []  # the cells share one network: its policy is set once, locally
    return [qos.CreateQosPolicy(role), qos.ApplyQosPolicy(role)]


def _site_tasks(technology: Technology, role: str, mode: str) -> list[SiteTask]:
    """What one site builds on its own, before anything needs the other side."""
    return _link_tasks(technology, role) + _qos_tasks(technology, role, mode)


def _link_tasks(technology: Technology, role: str) -> list[SiteTask]:
    if technology is Technology.SEGMENTS:
        # One shared Neutron: the local side makes the routed network, the remote side
        # adds its cell's segment to it.
        if role == "local":
            return [
                network.CreateNetwork(role),
                network.FindNetworkSegment(role),
                network.CreateSegmentSubnet(role),
            ]
        return [network.CreateSegment(role), network.CreateSegmentSubnet(role)]
    tasks: list[SiteTask] = [network.CreateNetwork(role), network.CreateSubnet(role)]
    if technology is Technology.IPSEC:
        tasks += [
            router.CreateRouter(role),
            router.AttachRouterInterface(role),
            vpn.CreateIkePolicy(role),
            vpn.CreateIpsecPolicy(role),
            vpn.CreateVpnService(role),
            vpn.CreateSubnetEndpointGroup(role),
            vpn.CreatePeerEndpointGroup(role),
        ]
    elif technology is Technology.BGPVPN:
        tasks += [bgpvpn.CreateBgpvpn(role), bgpvpn.AssociateNetwork(role)]
    return tasks


def _join_tasks(technology: Technology) -> list[SiteTask]:
    """Steps that need what the other side built."""
    if technology is Technology.IPSEC:
        return [vpn.CreateSiteConnection("local"), vpn.CreateSiteConnection("remote")]
    return []


def _verify_tasks(technology: Technology) -> list[SiteTask]:
    if technology is Technology.SEGMENTS:
        return [VerifyNetwork("local"), VerifySubnet("local"), VerifySubnet("remote")]
    tasks: list[SiteTask] = []
    for role in ROLES:
        tasks += [VerifyNetwork(role), VerifySubnet(role)]
        if technology is Technology.IPSEC:
            tasks.append(WaitForSiteConnection(role))
    return tasks


def build_graph(tech: Technology, mode: str) -> tuple[Flow, list[str]]:
    """Both sites side by side, then what joins them; and the names of what it makes."""
    local, remote = _site_tasks(tech, "local", mode), _site_tasks(tech, "remote", mode)
    joins = _join_tasks(tech)
    made = [name for t in [*local, *remote, *joins] for name in t.provides]
    graph = graph_flow.Flow("build").add(
        graph_flow.Flow("local-site").add(*local),
        graph_flow.Flow("remote-site").add(*remote),
        *joins,
    )
    return graph, made


def resources_made(tech: Technology, mode: str) -> dict[str, dict[str, int]]:
    """Per role, how many of each Neutron resource the build makes (a router
    interface is a port): what the pre-flight compares with the sites' quotas."""
    made: dict[str, dict[str, int]] = {role: {} for role in ROLES}
    site_tasks = [t for role in ROLES for t in _site_tasks(tech, role, mode)]
    for each in [*site_tasks, *_join_tasks(tech)]:
        what = "port" if isinstance(each, router.AttachRouterInterface) else each.kind
        if what is not None:
            made[each.role][str(what)] = made[each.role].get(str(what), 0) + 1
    return made


def kinds_made(tech: Technology) -> frozenset[Kind]:
    """Every kind of Neutron resource a build of ``tech`` can make, in any mode: what its
    delete looks for (derived from the tasks, so a new task's kind is deleted too)."""
    return frozenset(
        each.kind
        for mode in MODES
        for role in ROLES
        for each in [*_site_tasks(tech, role, mode), *_join_tasks(tech)]
        if each.kind is not None
    )


def verify_flow(tech: Technology) -> Flow:
    return unordered_flow.Flow("verify").add(*_verify_tasks(tech))


def plan_flow() -> Flow:
    return graph_flow.Flow("plan").add(SurveySite("local"), SurveySite("remote"), PlanConnection())


def build_create_flow(technology: str, mode: str = "warm") -> Flow:
    tech = Technology(technology)
    build, made = build_graph(tech, mode)
    return linear_flow.Flow(f"create-{tech}").add(
        mark_building(),
        plan_flow(),
        build,
        verify_flow(tech),
        RecordConnection(requires=made),
    )


def build_reserve_flow(technology: str) -> Flow:
    """A cold standby's create: plan and hold addresses and identifiers, build nothing."""
    tech = Technology(technology)
    return linear_flow.Flow(f"reserve-{tech}").add(
        mark_building(), plan_flow(), MarkConnectionDormant()
    )
