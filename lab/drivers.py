"""Service drivers for the lab Neutrons (imported inside the lab venv only).

Referenced from neutron.conf ``[service_providers]`` as ``lab.drivers.*``
(the servers run with the repository root on ``sys.path``).

* ``LabIPsecVPNDriver``: the stock IPsec service driver, minus the agent.
  Instead of casting "vpnservice updated" to an agent (there is none), it
  reports the router's VPN services and IPsec site connections as ACTIVE
  (DOWN when ``admin_state_up`` is false) itself, the way an agent would.
* ``LabBGPVPNDriver``: the stock database-only BGPVPN driver that also
  declares the ``bgpvpn-vni`` extension (so ``vni`` is accepted) besides
  ``bgpvpn-routes-control``.
* ``LabL2gwDriver``: networking-l2gw's database-only driver. Its RPC driver wants
  every gateway device reported by an l2gateway agent from a switch's OVSDB
  ("L2 Gateway Device tor1 could not be found" without one); the lab has no switch.
"""

from typing import ClassVar

from networking_bgpvpn.neutron.extensions import bgpvpn_routes_control, bgpvpn_vni
from networking_bgpvpn.neutron.services.service_drivers import driver_api
from networking_l2gw.services.l2gateway import service_drivers
from neutron_lib import constants as lib_constants
from neutron_vpnaas.services.vpn.service_drivers import ipsec
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class _SelfReportingAgentApi:
    """Stands in for the agent RPC API: every notification becomes a report."""

    def __init__(self, driver):
        self.driver = driver

    def vpnservice_updated(self, context, router_id, **kwargs):
        self.driver.report_router_status(context, router_id)

    def __getattr__(self, name):  # any other cast: nothing to do
        def _ignore(*args, **kwargs):
            LOG.debug("lab VPN driver: ignoring agent call %s", name)

        return _ignore


def _state(admin_state_up):
    return lib_constants.ACTIVE if admin_state_up else lib_constants.DOWN


class LabIPsecVPNDriver(ipsec.IPsecVPNDriver):
    def create_rpc_conn(self):
        self.endpoints = []
        self.conn = None
        self.agent_rpc = _SelfReportingAgentApi(self)

    def create_vpnservice(self, context, vpnservice_dict):
        super().create_vpnservice(context, vpnservice_dict)
        self.report_router_status(context, vpnservice_dict["router_id"])

    def report_router_status(self, context, router_id):
        admin_context = context.elevated()
        plugin = self.service_plugin
        services = plugin.get_vpnservices(admin_context, filters={"router_id": [router_id]})
        if not services:
            return
        service_ids = [s["id"] for s in services]
        connections = plugin.get_ipsec_site_connections(
            admin_context, filters={"vpnservice_id": service_ids}
        )
        report = []
        for service in services:
            conns = {}
            for conn in connections:
                if conn["vpnservice_id"] != service["id"]:
                    continue
                up = service["admin_state_up"] and conn["admin_state_up"]
                conns[conn["id"]] = {"status": _state(up), "updated_pending_status": True}
            report.append(
                {
                    "id": service["id"],
                    "status": _state(service["admin_state_up"]),
                    "updated_pending_status": True,
                    "ipsec_site_connections": conns,
                }
            )
        plugin.update_status_by_agent(admin_context, report)


class LabBGPVPNDriver(driver_api.BGPVPNDriverRC):
    more_supported_extension_aliases: ClassVar[list[str]] = [
        bgpvpn_routes_control.Bgpvpn_routes_control.get_alias(),
        bgpvpn_vni.Bgpvpn_vni.get_alias(),
    ]


class LabL2gwDriver(service_drivers.L2gwDriver):
    """The L2 gateway API without the agent: gateways and connections are kept in the
    database (what a ToR's OVSDB would be told is not the lab's to show)."""

    @property
    def service_type(self):
        return "L2GW"
