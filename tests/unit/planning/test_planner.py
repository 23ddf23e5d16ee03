from typing import Any

import pytest

from georedflow import technologies
from georedflow.exceptions import Conflict
from georedflow.planning import planner
from georedflow.planning.settings import PlanningSettings

SETTINGS = PlanningSettings(cidr_pool="10.240.0.0/22", vni_ranges=("5000:5002",))


def survey(cidrs: list[str], vnis: list[int] | None = None) -> dict[str, Any]:
    return {"cidrs": cidrs, "segmentation_ids": {"vxlan": vnis or []}, "external_network_id": "x"}


def plan(
    technology: str,
    local_cidr: str | None = None,
    remote_cidr: str | None = None,
    local: dict[str, Any] | None = None,
    remote: dict[str, Any] | None = None,
    reserved: dict[str, set[str]] | None = None,
    **options: Any,
) -> dict[str, Any]:
    return planner.plan_connection(
        technology=technology,
        needs=technologies.get(technology).needs,
        scope="region",
        options=options,
        endpoints={
            "local": {"site": "east", "cidr": local_cidr},
            "remote": {"site": "west", "cidr": remote_cidr},
        },
        surveys={"local": local or survey([]), "remote": remote or survey([])},
        reserved=reserved or {},
        settings=SETTINGS,
    )


def test_stretched_link_gets_one_cidr_free_on_both_sites_and_split_pools() -> None:
    chosen = plan(
        "vxlan", local=survey(["10.240.0.0/24"], [5000]), remote=survey(["10.240.1.0/24"], [5001])
    )

    assert chosen["local"]["cidr"] == chosen["remote"]["cidr"] == "10.240.2.0/24"
    assert chosen["local"]["allocation_pool"]["end"] < chosen["remote"]["allocation_pool"]["start"]
    assert chosen["segmentation_id"] == 5002
    assert ("vxlan", "5002") in planner.reservations(
        chosen, technologies.get(chosen["technology"]).needs
    )


def test_routed_link_gets_two_cidrs_clear_of_reservations() -> None:
    chosen = plan("ipsec", reserved={"cidr": {"10.240.0.0/24"}})

    assert chosen["local"]["cidr"] == "10.240.1.0/24"
    assert chosen["remote"]["cidr"] == "10.240.2.0/24"
    assert chosen["segmentation_id"] is None


def test_a_given_cidr_that_overlaps_the_other_site_is_refused_naming_it() -> None:
    with pytest.raises(Conflict, match="on site west"):
        plan("ipsec", local_cidr="192.168.0.0/24", remote=survey(["192.168.0.128/25"]))


def test_bgpvpn_allocates_the_next_route_target() -> None:
    chosen = plan("bgpvpn", reserved={"route_target": {"64512:4"}})

    assert chosen["route_targets"] == ["64512:5"]
    assert ("route_target", "64512:5") in planner.reservations(
        chosen, technologies.get(chosen["technology"]).needs
    )


def test_no_free_vni_left_is_a_clear_error() -> None:
    with pytest.raises(Conflict, match="no free segmentation id"):
        plan("vxlan", local=survey([], [5000, 5001]), reserved={"vxlan": {"5002"}})


def test_a_stretched_cidr_in_use_names_the_endpoint_that_asked_for_it() -> None:
    with pytest.raises(Conflict, match=r"^remote\.cidr 10\.251\.0\.0/25 overlaps 10\.251\.0\.0/24"):
        plan("vxlan", remote_cidr="10.251.0.0/25", remote=survey(["10.251.0.0/24"]))


@pytest.mark.parametrize(("role", "site"), [("local", "east"), ("remote", "west")])
def test_a_requested_segmentation_id_in_use_names_the_site_that_uses_it(
    role: str, site: str
) -> None:
    surveys = {role: survey([], [5001])}

    with pytest.raises(Conflict, match=rf"5001 is already a vxlan id on {role}\.site {site}"):
        plan("vxlan", segmentation_id=5001, **surveys)


def test_a_requested_segmentation_id_another_connection_holds_is_refused() -> None:
    with pytest.raises(Conflict, match="held by another georedflow connection"):
        plan("vxlan", segmentation_id=5001, reserved={"vxlan": {"5001"}})
