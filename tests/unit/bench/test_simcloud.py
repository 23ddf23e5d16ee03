"""The simulated cloud of bench.workers: Neutron's answers, latency without CPU, its log."""

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.simcloud import Neutron, NeutronError, Record, SimCloud, connection_of, critical_path
from georedflow.clouds.kinds import Kind, resource_name, tags
from georedflow.clouds.openstack import Clouds

CONNECTION = str(uuid.uuid4())


def post(neutron: Neutron, path: str, key: str, **attrs: Any) -> dict[str, Any]:
    status, body = neutron.handle("POST", path, {}, {key: attrs})
    assert status == 201
    return dict(body[key])


def test_a_network_is_found_by_name_and_listed_by_tag_then_deleted() -> None:
    neutron = Neutron("172.24.4.0/24")
    name = resource_name(CONNECTION, "CreateNetwork-local")
    network = post(neutron, "/v2.0/networks", "network", name=name)
    assert network["status"] == "ACTIVE"
    status, body = neutron.handle(
        "PUT", f"/v2.0/networks/{network['id']}/tags", {}, {"tags": tags(CONNECTION, "x")}
    )
    assert (status, body["tags"]) == (200, tags(CONNECTION, "x"))
    post(neutron, "/v2.0/networks", "network", name="someone else's")

    _, found = neutron.handle("GET", "/v2.0/networks", {"name": [name]}, None)
    assert [n["id"] for n in found["networks"]] == [network["id"]]
    by_tag = {"tags": [f"georedflow:conn={CONNECTION}"]}
    _, listed = neutron.handle("GET", "/v2.0/networks", by_tag, None)
    assert [n["id"] for n in listed["networks"]] == [network["id"]]
    _, external = neutron.handle("GET", "/v2.0/networks", {"router:external": ["True"]}, None)
    assert [n["name"] for n in external["networks"]] == ["public"]

    assert neutron.handle("DELETE", f"/v2.0/networks/{network['id']}", {}, None) == (204, None)
    with pytest.raises(NeutronError) as gone:
        neutron.handle("GET", f"/v2.0/networks/{network['id']}", {}, None)
    assert gone.value.status == 404
    assert gone.value.body() == {
        "NeutronError": {
            "type": "NetworkNotFound",
            "message": f"Network {network['id']} could not be found.",
            "detail": "",
        }
    }


def test_a_router_gets_a_gateway_address_and_keeps_its_interface_until_removed() -> None:
    neutron = Neutron("172.24.4.0/24")
    _, external = neutron.handle("GET", "/v2.0/networks", {"router:external": ["true"]}, None)
    public = external["networks"][0]["id"]
    router = post(neutron, "/v2.0/routers", "router", external_gateway_info={"network_id": public})
    address = router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"]
    assert address.startswith("172.24.4.")
    network = post(neutron, "/v2.0/networks", "network", name="n")
    subnet = post(neutron, "/v2.0/subnets", "subnet", network_id=network["id"], cidr="10.1.0.0/24")
    assert subnet["gateway_ip"] == "10.1.0.1"
    interface = {"subnet_id": subnet["id"]}
    neutron.handle("PUT", f"/v2.0/routers/{router['id']}/add_router_interface", {}, interface)
    ports = {"device_id": [router["id"]], "device_owner": ["network:router_interface"]}
    _, listed = neutron.handle("GET", "/v2.0/ports", ports, None)
    assert [p["fixed_ips"][0]["subnet_id"] for p in listed["ports"]] == [subnet["id"]]
    with pytest.raises(NeutronError) as in_use:
        neutron.handle("DELETE", f"/v2.0/routers/{router['id']}", {}, None)
    assert in_use.value.status == 409
    neutron.handle("PUT", f"/v2.0/routers/{router['id']}/remove_router_interface", {}, interface)
    assert neutron.handle("DELETE", f"/v2.0/routers/{router['id']}", {}, None) == (204, None)


def test_a_site_connection_is_pending_on_create_and_active_when_next_read() -> None:
    neutron = Neutron("172.24.4.0/24")
    path = "/v2.0/vpn/ipsec-site-connections"
    created = post(neutron, path, "ipsec_site_connection", name="c", psk="secret")
    assert created["status"] == "PENDING_CREATE"
    _, read = neutron.handle("GET", f"{path}/{created['id']}", {}, None)
    assert read["ipsec_site_connection"]["status"] == "ACTIVE"


def test_a_resource_remembers_the_connection_that_named_it() -> None:
    neutron = Neutron("172.24.4.0/24")
    made = post(neutron, "/v2.0/vpn/ikepolicies", "ikepolicy", name=resource_name(CONNECTION, "x"))
    assert neutron.owner(f"/v2.0/vpn/ikepolicies/{made['id']}") == CONNECTION
    assert connection_of(f"tags=georedflow:conn={CONNECTION}") == CONNECTION
    assert connection_of("name=public") is None


def test_the_longest_chain_skips_calls_that_ran_in_parallel() -> None:
    def call(start: float, end: float) -> Record:
        return Record("east", "GET", "/", start, end, 200, None)

    parallel = [call(0.0, 0.05), call(0.001, 0.051)]
    dependent = call(0.06, 0.11)
    assert critical_path([dependent, *parallel]) == [parallel[0], dependent]
    # a long call overlapping two short sequential ones: the two short ones are the chain
    assert len(critical_path([call(0.0, 0.2), call(0.0, 0.05), call(0.06, 0.11)])) == 2
    assert critical_path([]) == []


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[SimCloud, asyncio.AbstractEventLoop, Path]]:
    """A SimCloud on its own event loop in a thread, and its clouds.yaml."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    cloud = SimCloud(latency=0.0)
    asyncio.run_coroutine_threadsafe(cloud.start(), loop).result(10)
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(cloud.clouds_yaml())
    try:
        yield cloud, loop, clouds
    finally:
        asyncio.run_coroutine_threadsafe(_shut(cloud), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _shut(cloud: SimCloud) -> None:
    """Stop serving, and end the connections a client kept alive."""
    for server in cloud.servers:
        server.close()
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for each in tasks:
        each.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def test_openstacksdk_authenticates_and_georedflows_driver_works_against_it(
    served: tuple[SimCloud, asyncio.AbstractEventLoop, Path],
) -> None:
    cloud, _, clouds = served
    driver = Clouds(str(clouds)).driver("west", "lab-west", "RegionTwo")
    assert {"router", "external-net", "vpnaas"} <= set(driver.extensions())
    name = resource_name(CONNECTION, "CreateNetwork-remote")
    network = driver.create(Kind.NETWORK, {"name": name, "tags": tags(CONNECTION, "n")})
    assert set(tags(CONNECTION, "n")) <= set(network["tags"])
    found = driver.find(Kind.NETWORK, name)
    assert found is not None and found["id"] == network["id"]
    listed = driver.query(Kind.NETWORK, tags=f"georedflow:conn={CONNECTION}")
    assert [n["id"] for n in listed] == [network["id"]]
    assert driver.delete(Kind.NETWORK, network["id"]) is True
    assert driver.get(Kind.NETWORK, network["id"]) is None
    assert driver.delete(Kind.NETWORK, network["id"]) is False
    # west is RegionTwo's Neutron: east saw nothing
    assert {r.site for r in cloud.log} == {"west"}
    # named, tagged, or asked for by id: each call is the connection's (the last
    # delete, a 404, names nothing known any more)
    writes = [r for r in cloud.log if r.method != "GET" and r.status < 400]
    assert {r.connection for r in writes} == {CONNECTION}


def test_a_survey_reads_a_sites_extensions_and_external_networks_once_in_their_max_age(
    served: tuple[SimCloud, asyncio.AbstractEventLoop, Path],
) -> None:
    cloud, _, clouds = served
    driver = Clouds(str(clouds), facts_max_age=300).driver("east", "lab-east", "RegionOne")
    before = len(cloud.log)
    for _ in range(3):
        assert "vpnaas" in driver.extensions(cached=True)
        assert [n["name"] for n in driver.external_networks(cached=True)] == ["public"]
    assert len(cloud.log) - before == 2
    driver.extensions()  # a probe reads afresh
    assert [r.path for r in cloud.log[before:]] == [
        "/v2.0/extensions",
        "/v2.0/networks",
        "/v2.0/extensions",
    ]


async def _get(port: int, path: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n".encode())
    answer = await reader.read()
    writer.close()
    return answer


def test_latency_is_waited_without_cpu() -> None:
    latency, count = 0.2, 200

    async def run() -> tuple[float, float, SimCloud]:
        cloud = SimCloud(latency=latency)
        await cloud.start()
        port = int(cloud.urls["neutron-east"].rsplit(":", 1)[1])
        cpu, wall = time.process_time(), time.monotonic()
        answers = await asyncio.gather(*(_get(port, "/v2.0/networks") for _ in range(count)))
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        await _shut(cloud)
        assert all(a.startswith(b"HTTP/1.1 200 OK") for a in answers)
        return cpu, wall, cloud

    cpu, wall, cloud = asyncio.run(run())
    assert len(cloud.log) == count
    assert all(r.end - r.start >= latency for r in cloud.log)
    # Concurrent: far less than one after the other (count * latency = 40 s).
    assert wall < count * latency / 10
    # Waited, not burnt: the CPU of client and server together, per request, is a
    # small fraction of the latency (a busy wait would cost the latency itself).
    assert cpu / count < latency / 20
