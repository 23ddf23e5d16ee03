from typing import Any

from georedflow.clouds.kinds import Kind, resource_name
from georedflow.tasks.base import ensure, remove_named
from georedflow.tasks.network import CreateNetwork, CreateSubnet
from georedflow.tasks.vpn import CreateSiteConnection
from tests.unit.fakes import FakeDriver, FakeRepo


def test_ensure_creates_once_and_finds_it_on_a_retry() -> None:
    driver = FakeDriver()

    first = ensure(driver, Kind.NETWORK, "c1", "CreateNetwork-local", {"mtu": 1400})
    second = ensure(driver, Kind.NETWORK, "c1", "CreateNetwork-local", {"mtu": 1400})

    assert first["id"] == second["id"]
    assert driver.creates == 1
    assert first["name"] == resource_name("c1", "CreateNetwork-local")
    assert "georedflow:conn=c1" in first["tags"]


def test_a_step_that_never_ran_creates_without_a_find() -> None:
    driver = FakeDriver()

    made = ensure(driver, Kind.NETWORK, "c1", "CreateNetwork-local", {}, look_first=False)

    assert (driver.finds, driver.creates) == (0, 1)
    assert "georedflow:step=CreateNetwork-local" in made["tags"]


def test_a_create_task_looks_first_unless_told_it_never_ran() -> None:
    driver = FakeDriver()
    task = CreateNetwork("local")
    plan: dict[str, Any] = {"local": {}}

    task.execute(driver, "c1", plan)  # a task may have run before, by default
    assert (driver.finds, driver.creates) == (1, 1)
    task.ran_before = False
    task.execute(driver, "c2", plan)
    assert (driver.finds, driver.creates) == (1, 2)


def test_a_revert_deletes_by_the_id_its_task_recorded() -> None:
    driver = FakeDriver()
    task = CreateNetwork("local")
    made = task.execute(driver, "c1", {"local": {}})
    finds = driver.finds

    task.revert(driver=driver, repo=FakeRepo(), connection_id="c1", result=made)

    assert driver.finds == finds
    assert driver.query(Kind.NETWORK) == []


def test_ensure_tags_what_a_dead_runner_left_untagged() -> None:
    driver = FakeDriver()
    untagged = driver.create(Kind.ROUTER, {"name": resource_name("c1", "CreateRouter-local")})

    found = ensure(driver, Kind.ROUTER, "c1", "CreateRouter-local", {})

    assert found["id"] == untagged["id"]
    assert driver.creates == 1
    assert "georedflow:step=CreateRouter-local" in found["tags"]


def test_untaggable_kinds_are_found_by_name_alone() -> None:
    driver = FakeDriver()

    made = ensure(driver, Kind.IKE_POLICY, "c1", "CreateIkePolicy-local", {})
    again = ensure(driver, Kind.IKE_POLICY, "c1", "CreateIkePolicy-local", {})

    assert "tags" not in made
    assert again["id"] == made["id"]


def test_remove_named_undoes_only_its_own_step() -> None:
    driver = FakeDriver()
    ensure(driver, Kind.NETWORK, "c1", "CreateNetwork-local", {})
    kept = ensure(driver, Kind.NETWORK, "c1", "CreateNetwork-remote", {})

    repo: Any = FakeRepo()
    remove_named(driver, Kind.NETWORK, "c1", "CreateNetwork-local", repo=repo, role="local")
    # already gone: fine, and nothing is noted as left over
    remove_named(driver, Kind.NETWORK, "c1", "CreateNetwork-local", repo=repo, role="local")
    assert repo.noted == []

    assert [r["id"] for r in driver.query(Kind.NETWORK)] == [kept["id"]]


def test_site_tasks_read_their_role_and_their_peer() -> None:
    subnet = CreateSubnet("remote")
    site_connection = CreateSiteConnection("local")

    assert subnet.name == "CreateSubnet-remote"
    assert subnet.provides == {"remote_subnet"}
    assert {"remote_driver", "remote_network"} <= set(subnet.requires)
    assert "remote_router" in site_connection.requires  # the peer's router
    assert "local_router" not in site_connection.requires
    assert CreateNetwork("local").provides == {"local_network"}
