"""The backup site is chosen by the documented rule: feasible, affinity, prefer, fewest
connections, quota headroom, name."""

from typing import Any

import pytest

from georedflow.services.selection import Candidate, rank
from georedflow.storage.models import Site


def site(name: str, cloud: str = "a", region: str = "RegionOne") -> Site:
    return Site(id=f"id-{name}", name=name, cloud=cloud, region=region)


LOCAL = site("east")


def feasible(name: str, connections: int = 0, headroom: int | None = None, **where: Any) -> Any:
    return Candidate(site(name, **where), connections, {"quota_headroom": headroom})


def chosen(ranking: list[dict[str, Any]]) -> str:
    (first,) = [r["site"] for r in ranking if r["chosen"]]
    return first


def test_a_refused_candidate_is_never_chosen_and_says_why() -> None:
    ranking = rank(
        LOCAL,
        [Candidate(site("west"), 0, None, "remote.cidr overlaps"), feasible("far", 9)],
    )

    assert chosen(ranking) == "far"
    assert ranking[1] == {
        "site": "west",
        "chosen": False,
        "rank": None,
        "reason": "refused: remote.cidr overlaps",
    }


def test_fewest_connections_then_most_headroom_then_name() -> None:
    assert chosen(rank(LOCAL, [feasible("b", 2), feasible("c", 1)])) == "c"
    assert chosen(rank(LOCAL, [feasible("b", 1, 3), feasible("c", 1, 10)])) == "c"
    assert chosen(rank(LOCAL, [feasible("b", 1, 3), feasible("c", 1, None)])) == "c"
    assert chosen(rank(LOCAL, [feasible("c", 1), feasible("b", 1)])) == "b"


def test_prefer_beats_the_connection_count() -> None:
    ranking = rank(LOCAL, [feasible("busy", 5), feasible("idle", 0)], prefer=["busy"])

    assert chosen(ranking) == "busy"
    assert ranking[0]["reason"].startswith("chosen: preferred #1")
    assert [r["rank"] for r in ranking] == [1, 2]


WHERE = {
    "cell2": {},  # east's cloud and region
    "west": {"region": "RegionTwo"},  # east's cloud, another region
    "far": {"cloud": "b"},
}


@pytest.mark.parametrize(
    ("affinity", "fits", "other"),
    [
        ("other_region", "west", "cell2"),
        ("same_region", "cell2", "west"),
        ("other_cloud", "far", "west"),
        ("same_cloud", "west", "far"),
    ],
)
def test_affinity_to_the_local_site_beats_the_connection_count(
    affinity: str, fits: str, other: str
) -> None:
    candidates = [feasible(fits, 5, **WHERE[fits]), feasible(other, 0, **WHERE[other])]

    assert chosen(rank(LOCAL, candidates)) == other
    assert chosen(rank(LOCAL, candidates, affinity=affinity)) == fits


def test_no_feasible_candidate_chooses_none() -> None:
    ranking = rank(LOCAL, [Candidate(site("west"), 0, None, "quota")])

    assert not any(r["chosen"] for r in ranking)
