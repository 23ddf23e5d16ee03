"""End-to-end check of a running lab with openstacksdk.

Run with the lab venv's python (it has openstacksdk):

    .lab/venv/bin/python lab/smoke.py [lab-east lab-west lab-far]

(or ``python3 -m lab smoke``). Every resource it creates is named
``smoke-*`` and deleted again; leftovers of an interrupted run are removed
first. Exit status 0 when every check passed.
"""

import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)
sys.path.insert(0, os.path.dirname(_HERE))

import lab  # noqa: E402
from lab.client import NEUTRON_URLS, LabControl  # noqa: E402

os.environ.setdefault("OS_CLIENT_CONFIG_FILE", lab.clouds_yaml_path())

import openstack  # noqa: E402
from openstack import exceptions as os_exc  # noqa: E402

CLOUD_NEUTRON = {"lab-east": "east", "lab-west": "west", "lab-far": "far"}
# distinct per cloud only for readability: each Neutron has its own DB
DCI_VLAN = {"lab-east": 1042, "lab-west": 1043, "lab-far": 1044}
PREFIX = "smoke-"

failures = []


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def step(cloud, name, func):
    t0 = time.monotonic()
    try:
        func()
    except Exception as exc:  # report and go on with the next check
        failures.append(f"{cloud}: {name}: {type(exc).__name__}: {exc}")
        print(f"  FAIL {name:<34} {type(exc).__name__}: {exc}", flush=True)
        return False
    print(f"  ok   {name:<34} {(time.monotonic() - t0) * 1000:6.0f} ms", flush=True)
    return True


def wait_status(getter, wanted, timeout=20):
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = getter().status
        if status == wanted:
            return status
        time.sleep(0.2)
    raise AssertionError(f"status {status}, wanted {wanted}")


def cleanup(net):
    """Delete every smoke-* resource (dependants first)."""
    for conn_ in net.vpn_ipsec_site_connections():
        if conn_.name and conn_.name.startswith(PREFIX):
            net.delete_vpn_ipsec_site_connection(conn_)
    for svc in net.vpn_services():
        if svc.name and svc.name.startswith(PREFIX):
            net.delete_vpn_service(svc)
    for epg in net.vpn_endpoint_groups():
        if epg.name and epg.name.startswith(PREFIX):
            net.delete_vpn_endpoint_group(epg)
    for pol in net.vpn_ike_policies():
        if pol.name and pol.name.startswith(PREFIX):
            net.delete_vpn_ike_policy(pol)
    for pol in net.vpn_ipsec_policies():
        if pol.name and pol.name.startswith(PREFIX):
            net.delete_vpn_ipsec_policy(pol)
    for gateway in net.get("/l2-gateways").json().get("l2_gateways", []):
        if (gateway.get("name") or "").startswith(PREFIX):
            for joined in net.get(f"/l2-gateway-connections?l2_gateway_id={gateway['id']}").json()[
                "l2_gateway_connections"
            ]:
                net.delete(f"/l2-gateway-connections/{joined['id']}")
            net.delete(f"/l2-gateways/{gateway['id']}")
    for vpn in net.bgpvpns():
        if vpn.name and vpn.name.startswith(PREFIX):
            net.delete_bgpvpn(vpn)
    for router in net.routers():
        if router.name and router.name.startswith(PREFIX):
            for port in net.ports(device_id=router.id, device_owner="network:router_interface"):
                for ip in port.fixed_ips:
                    net.remove_interface_from_router(router, subnet_id=ip["subnet_id"])
            net.delete_router(router)
    for network in net.networks():
        if network.name and network.name.startswith(PREFIX):
            net.delete_network(network)
    for pol in net.qos_policies():
        if pol.name and pol.name.startswith(PREFIX):
            net.delete_qos_policy(pol)


def run_cloud(cloud):
    print(f"== {cloud}", flush=True)
    t0 = time.monotonic()
    conn = openstack.connect(cloud=cloud)
    net = conn.network
    ctl = LabControl(NEUTRON_URLS[CLOUD_NEUTRON[cloud]])
    ctl.disarm_faults()
    ctl.set_latency(0)
    state = {}

    def endpoint():
        url = conn.session.get_endpoint(
            service_type="network", interface="public", region_name=conn.config.region_name
        )
        check(url.rstrip("/").startswith(NEUTRON_URLS[CLOUD_NEUTRON[cloud]]), f"catalog gave {url}")

    def network_crud():
        n = net.create_network(name=PREFIX + "plain")
        check(n.status == "ACTIVE", f"status {n.status}")
        net.delete_network(n)
        check(net.find_network(PREFIX + "plain") is None, "not deleted")

    def vlan_dci():
        n = net.create_network(
            name=PREFIX + "dci",
            provider_network_type="vlan",
            provider_physical_network="dci",
            provider_segmentation_id=DCI_VLAN[cloud],
        )
        check(
            n.provider_segmentation_id == DCI_VLAN[cloud],
            f"segmentation id {n.provider_segmentation_id}",
        )
        check(n.provider_physical_network == "dci", f"physnet {n.provider_physical_network}")
        try:  # the same VLAN again must be refused (409)
            net.create_network(
                name=PREFIX + "dci-dup",
                provider_network_type="vlan",
                provider_physical_network="dci",
                provider_segmentation_id=DCI_VLAN[cloud],
            )
        except os_exc.ConflictException:
            pass
        else:
            raise AssertionError("duplicate VLAN accepted")
        state["dci"] = n

    def router_gateway():
        public = net.find_network(lab.PUBLIC_NETWORK)
        check(public is not None and public.is_router_external, "no external network public")
        r = net.create_router(
            name=PREFIX + "router", external_gateway_info={"network_id": public.id}
        )
        ips = (r.external_gateway_info or {}).get("external_fixed_ips") or []
        check(ips and ips[0].get("ip_address"), f"no gateway IP: {r.external_gateway_info}")
        state["router"] = r
        state["gw_ip"] = ips[0]["ip_address"]
        priv = net.create_network(name=PREFIX + "private")
        sub = net.create_subnet(
            name=PREFIX + "private-subnet", network_id=priv.id, ip_version=4, cidr="10.250.0.0/24"
        )
        net.add_interface_to_router(r, subnet_id=sub.id)
        state["private_subnet"] = sub

    def vpn():
        ike = net.create_vpn_ike_policy(
            name=PREFIX + "ike",
            auth_algorithm="sha256",
            encryption_algorithm="aes-256",
            ike_version="v2",
            pfs="group14",
        )
        ipsec = net.create_vpn_ipsec_policy(
            name=PREFIX + "ipsec",
            auth_algorithm="sha256",
            encryption_algorithm="aes-256",
            pfs="group14",
        )
        check(net.get_vpn_ike_policy(ike.id).auth_algorithm == "sha256", "ike read back")
        svc = net.create_vpn_service(name=PREFIX + "vpn", router_id=state["router"].id)
        local = net.create_vpn_endpoint_group(
            name=PREFIX + "local", type="subnet", endpoints=[state["private_subnet"].id]
        )
        peer = net.create_vpn_endpoint_group(
            name=PREFIX + "peer", type="cidr", endpoints=["10.251.0.0/24"]
        )
        site = net.create_vpn_ipsec_site_connection(
            name=PREFIX + "site",
            vpnservice_id=svc.id,
            ikepolicy_id=ike.id,
            ipsecpolicy_id=ipsec.id,
            local_ep_group_id=local.id,
            peer_ep_group_id=peer.id,
            peer_address="203.0.113.7",
            peer_id="203.0.113.7",
            psk="lab-secret",
        )
        wait_status(lambda: net.get_vpn_service(svc.id), "ACTIVE")
        wait_status(lambda: net.get_vpn_ipsec_site_connection(site.id), "ACTIVE")
        check(net.get_vpn_service(svc.id).external_v4_ip == state["gw_ip"], "external_v4_ip")

    def bgpvpn():
        vpn_ = net.create_bgpvpn(name=PREFIX + "bgpvpn", route_targets=["64512:101"], vni=4242)
        check(vpn_.vni == 4242, f"vni {vpn_.vni}")
        check(vpn_.route_targets == ["64512:101"], f"route_targets {vpn_.route_targets}")
        assoc = net.create_bgpvpn_network_association(vpn_, network_id=state["dci"].id)
        check(assoc.network_id == state["dci"].id, "association")
        check(state["dci"].id in net.get_bgpvpn(vpn_.id).networks, "network not listed")

    def l2gw():
        # networking-l2gw has no openstacksdk proxy: its REST API through the session.
        device = {"device_name": "tor1", "interfaces": [{"name": "eth1"}]}
        gateway_body = {"name": PREFIX + "l2gw", "devices": [device]}
        made = net.post("/l2-gateways", json={"l2_gateway": gateway_body})
        check(made.status_code == 201, f"l2-gateway {made.status_code} {made.text}")
        gateway = made.json()["l2_gateway"]
        body = {"l2_gateway_id": gateway["id"], "network_id": state["dci"].id}
        body["segmentation_id"] = "3001"
        joined = net.post("/l2-gateway-connections", json={"l2_gateway_connection": body})
        check(joined.status_code == 201, f"l2-gateway-connection {joined.status_code}")
        connection = joined.json()["l2_gateway_connection"]
        check(str(connection["segmentation_id"]) == "3001", f"segmentation_id {connection}")
        unjoined = net.delete(f"/l2-gateway-connections/{connection['id']}")
        check(unjoined.status_code == 204, "unjoin")
        check(net.delete(f"/l2-gateways/{gateway['id']}").status_code == 204, "gateway delete")

    def qos():
        pol = net.create_qos_policy(name=PREFIX + "qos")
        net.create_qos_bandwidth_limit_rule(pol, max_kbps=10000, max_burst_kbps=1000)
        n = net.update_network(state["dci"], qos_policy_id=pol.id)
        check(n.qos_policy_id == pol.id, f"qos_policy_id {n.qos_policy_id}")

    def routed_network():
        n = net.create_network(
            name=PREFIX + "routed",
            provider_network_type="vlan",
            provider_physical_network="physnet1",
            provider_segmentation_id=150,
        )
        first = list(net.segments(network_id=n.id))
        check(len(first) == 1, f"segments {first}")
        second = net.create_segment(
            network_id=n.id,
            network_type="vlan",
            physical_network="physnet2",
            segmentation_id=250,
            name=PREFIX + "seg2",
        )
        s1 = net.create_subnet(
            network_id=n.id,
            segment_id=first[0].id,
            ip_version=4,
            cidr="10.252.1.0/24",
            name=PREFIX + "seg1-subnet",
        )
        s2 = net.create_subnet(
            network_id=n.id,
            segment_id=second.id,
            ip_version=4,
            cidr="10.252.2.0/24",
            name=PREFIX + "seg2-subnet",
        )
        check(s1.segment_id == first[0].id and s2.segment_id == second.id, "subnet segments")
        check(len(list(net.segments(network_id=n.id))) == 2, "two segments")

    def fault():
        since = ctl.last_seq()
        f = ctl.arm_fault("POST", r"^/v2.0/networks$", status=503)
        check([x["id"] for x in ctl.faults()] == [f["id"]], "fault listed")
        try:
            net.create_network(name=PREFIX + "faulty")
        except os_exc.HttpException as exc:
            check(exc.status_code == 503, f"status {exc.status_code}")
        else:
            raise AssertionError("create did not fail")
        n = net.create_network(name=PREFIX + "after-fault")
        check(n.id, "create after fault")
        check(ctl.faults() == [], "fault still armed")
        statuses = [(r["method"], r["path"], r["status"]) for r in ctl.requests(since=since)]
        check(("POST", "/v2.0/networks", 503) in statuses, f"503 not recorded: {statuses}")
        check(("POST", "/v2.0/networks", 201) in statuses, f"201 not recorded: {statuses}")

    def latency():
        t = time.monotonic()
        list(net.networks(name="nothing"))
        base = time.monotonic() - t
        ctl.set_latency(300)
        try:
            t = time.monotonic()
            list(net.networks(name="nothing"))
            slow = time.monotonic() - t
        finally:
            ctl.set_latency(0)
        check(slow >= 0.3 and slow >= base + 0.25, f"latency {slow:.3f} s vs {base:.3f} s")

    def member_rbac():
        idn = conn.identity
        for u in idn.users(name=PREFIX + "member"):
            idn.delete_user(u)
        for p in idn.projects(name=PREFIX + "project"):
            idn.delete_project(p)
        project = idn.create_project(name=PREFIX + "project", domain_id="default")
        user = idn.create_user(
            name=PREFIX + "member",
            password="member-pass",
            domain_id="default",
            default_project_id=project.id,
        )
        try:
            idn.assign_project_role_to_user(project, user, idn.find_role("member"))
            member = openstack.connect(
                auth_url=conn.config.auth["auth_url"],
                username=PREFIX + "member",
                password="member-pass",
                project_name=PREFIX + "project",
                user_domain_name="Default",
                project_domain_name="Default",
                region_name=conn.config.region_name,
            )
            mnet = member.network
            names = [n.name for n in mnet.networks()]
            check(lab.PUBLIC_NETWORK in names, f"member does not see shared public: {names}")
            own = mnet.create_network(name=PREFIX + "member-net")
            check(own.project_id == project.id, "project_id")
            try:
                mnet.create_network(
                    name=PREFIX + "member-vlan",
                    provider_network_type="vlan",
                    provider_physical_network="dci",
                )
            except os_exc.ForbiddenException:
                pass
            else:
                raise AssertionError("member created a provider network")
            ike = mnet.create_vpn_ike_policy(
                name=PREFIX + "member-ike", auth_algorithm="sha256", encryption_algorithm="aes-256"
            )
            mnet.delete_vpn_ike_policy(ike)
            try:
                mnet.create_bgpvpn(name=PREFIX + "member-bgpvpn", route_targets=["64512:9"])
            except os_exc.ForbiddenException:
                pass
            else:
                raise AssertionError("member created a BGPVPN")
            mnet.delete_network(own)
        finally:
            idn.delete_user(user)
            idn.delete_project(project)

    def control_api():
        ctl.clear_requests()
        base = ctl.last_seq()
        f = ctl.arm_fault("GET", r"^/v2.0/ports", status=500, nth=2, count=2)
        codes = []
        for _ in range(4):
            try:
                list(net.ports(name="nothing"))
                codes.append(200)
            except os_exc.HttpException as exc:
                codes.append(exc.status_code)
        check(codes == [200, 500, 500, 200], f"nth/count codes {codes}")
        spent = ctl.faults(include_spent=True)
        check(spent[0]["id"] == f["id"] and spent[0]["fired"] == 2, f"spent fault {spent}")
        got = ctl.requests(since=base)
        check(
            [r["status"] for r in got if r["path"] == "/v2.0/ports"] == [200, 500, 500, 200],
            f"request log {got}",
        )
        check(ctl.requests(since=got[-1]["seq"]) == [], "since filter")
        f2 = ctl.arm_fault("*", "^/v2.0/routers", status=409)
        ctl.disarm_fault(f2["id"])
        check(ctl.faults() == [], "disarm one")
        check(ctl.latency() == 0, "latency reset")

    def concurrency():
        import concurrent.futures

        def one(i):
            n = net.create_network(name=f"{PREFIX}conc-{i}")
            net.delete_network(n)
            return True

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(one, range(32)))
        check(all(results), "concurrent creates")

    step(cloud, "catalog endpoint", endpoint)
    step(cloud, "cleanup leftovers", lambda: cleanup(net))
    step(cloud, "network create/delete", network_crud)
    ok_dci = step(cloud, "vlan on physnet dci", vlan_dci)
    ok_router = step(cloud, "router gateway on public", router_gateway)
    if ok_router:
        step(cloud, "ike/ipsec/vpnservice/site ACTIVE", vpn)
    if ok_dci:
        step(cloud, "bgpvpn rt+vni, net association", bgpvpn)
        step(cloud, "l2 gateway and connection (networking-l2gw)", l2gw)
        step(cloud, "qos bandwidth limit on network", qos)
    step(cloud, "routed network, 2 segments", routed_network)
    step(cloud, "injected 503, then success", fault)
    step(cloud, "latency 300 ms", latency)
    step(cloud, "control API: nth/count, log, since", control_api)
    step(cloud, "16 threads x 32 create/delete", concurrency)
    step(cloud, "member RBAC (shared, 403s)", member_rbac)
    step(cloud, "cleanup", lambda: cleanup(net))
    print(f"  {cloud} done in {time.monotonic() - t0:.1f} s", flush=True)


def check_isolation():
    """Keystone B's Neutron must reject a token of Keystone A (own fernet keys)."""
    import urllib.error
    import urllib.request

    token = openstack.connect(cloud="lab-east").session.get_token()
    req = urllib.request.Request(
        NEUTRON_URLS["far"] + "/v2.0/networks", headers={"X-Auth-Token": token}
    )
    try:
        urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as exc:
        check(exc.code == 401, f"HTTP {exc.code}")
    else:
        raise AssertionError("far accepted a token of Keystone A")


def main(argv):
    clouds = argv or list(CLOUD_NEUTRON)
    t0 = time.monotonic()
    for cloud in clouds:
        run_cloud(cloud)
    if not argv:
        print("== isolation")
        step("isolation", "far rejects Keystone A token", check_isolation)
    print(
        "smoke: {} in {:.1f} s".format(
            f"FAILED ({len(failures)})" if failures else "all passed", time.monotonic() - t0
        )
    )
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
