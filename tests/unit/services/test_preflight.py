"""The pre-flight surveys and plans as the create flow would, and holds nothing."""

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from georedflow import technologies
from georedflow.clouds.kinds import Kind
from georedflow.exceptions import Conflict, InvalidInput
from georedflow.planning.settings import PlanningSettings
from georedflow.services.preflight import Preflight, Request
from georedflow.storage import db, migrate
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.models import Reservation, Site
from tests.unit.fakes import FakeDriver

EAST = Site(id="s-east", name="east", cloud="a", region="RegionOne", external_network="ext")
WEST = Site(id="s-west", name="west", cloud="a", region="RegionTwo", external_network="ext")
CELL = Site(id="s-cell", name="cell2", cloud="a", region="RegionOne")


@pytest.fixture
def sessions(sqlite_url: str) -> sessionmaker[Session]:
    migrate.upgrade(sqlite_url)
    return db.make_session_factory(db.make_engine(sqlite_url))


@pytest.fixture
def drivers() -> dict[str, FakeDriver]:
    return {name: FakeDriver(name) for name in ("east", "west", "cell2")}


@pytest.fixture
def preflight(sessions: sessionmaker[Session], drivers: dict[str, FakeDriver]) -> Preflight:
    settings = PlanningSettings(cidr_pool="10.240.0.0/22")
    return Preflight(lambda s: drivers[s.name], ConnectionRepository(sessions), settings)


def request(tech: str = "vxlan", remote_site: Site = WEST, **cidrs: str) -> Request:
    return Request(
        technology=technologies.get(tech),
        mode="warm",
        scope="region",
        options={},
        sites={"local": EAST, "remote": remote_site},
        cidrs={"local": cidrs.get("local"), "remote": cidrs.get("remote")},
    )


def quota(limit: int, used: int) -> dict[str, int]:
    return {"limit": limit, "used": used, "reserved": 0}


def test_the_plan_and_what_each_site_gets_and_nothing_is_held(
    preflight: Preflight, sessions: sessionmaker[Session], drivers: dict[str, FakeDriver]
) -> None:
    for name in ("east", "west"):
        drivers[name].create(Kind.NETWORK, {"name": "ext", "router:external": True})
    drivers["east"].creates = drivers["west"].creates = 0

    found = preflight.run(request("ipsec"))

    assert found["plan"]["local"]["cidr"] != found["plan"]["remote"]["cidr"]
    assert found["makes"]["local"]["vpn_endpoint_group"] == 2
    assert found["makes"]["remote"]["port"] == 1  # the router interface
    assert found["quota_headroom"] is None  # the fake reports no quota
    assert {c["check"] for c in found["checks"]} >= {"addresses and identifiers are free"}
    with sessions() as session:
        assert session.query(Reservation).count() == 0
    assert all(d.creates == 0 for d in drivers.values())


def test_a_cidr_in_use_on_the_remote_site_names_the_remote_endpoint(
    preflight: Preflight, drivers: dict[str, FakeDriver]
) -> None:
    drivers["west"].create(Kind.SUBNET, {"cidr": "10.251.0.0/24"})

    with pytest.raises(Conflict, match=r"^remote\.cidr 10\.251\.0\.0/25 overlaps .* on site west"):
        preflight.run(request("vxlan", remote="10.251.0.0/25"))


def test_a_missing_extension_names_the_endpoint(
    preflight: Preflight, drivers: dict[str, FakeDriver], monkeypatch: Any
) -> None:
    monkeypatch.setattr(drivers["west"], "extensions", lambda cached=False: ["router"])

    with pytest.raises(InvalidInput, match=r"^remote\.site west lacks .*bgpvpn"):
        preflight.run(request("bgpvpn"))


def test_too_little_quota_names_the_site_and_the_resource(
    preflight: Preflight, drivers: dict[str, FakeDriver]
) -> None:
    drivers["east"].quotas = {"network": quota(10, 2), "subnet": quota(-1, 0)}
    drivers["west"].quotas = {"network": quota(5, 5)}

    with pytest.raises(Conflict, match=r"^remote\.site west: the network quota is 5 with 5 used"):
        preflight.run(request())


def test_headroom_is_the_least_room_left_after_the_build(
    preflight: Preflight, drivers: dict[str, FakeDriver]
) -> None:
    drivers["east"].quotas = {"network": quota(10, 2), "subnet": quota(-1, 0)}
    drivers["west"].quotas = {"network": quota(5, 1), "subnet": quota(4, 0)}

    assert preflight.run(request())["quota_headroom"] == 3  # west: 4 subnets, 1 needed


def test_two_cells_of_one_neutron_add_their_needs_up(
    preflight: Preflight, drivers: dict[str, FakeDriver]
) -> None:
    # segments: the local cell makes a network and a subnet, the remote one a subnet.
    drivers["east"].quotas = {"subnet": quota(3, 2), "network": quota(-1, 0)}
    cells = Request(
        technology=technologies.get("segments"),
        mode="warm",
        scope="cell",
        options={},
        sites={"local": EAST, "remote": CELL},
        cidrs={"local": None, "remote": None},
    )

    shared = r"local\.site east and remote\.site cell2: the subnet quota"
    with pytest.raises(Conflict, match=shared):
        preflight.run(cells)
