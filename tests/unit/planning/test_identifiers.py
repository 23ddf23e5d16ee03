import pytest

from georedflow.exceptions import Conflict, InvalidInput
from georedflow.planning import identifiers


def test_choose_takes_the_lowest_id_free_on_both_sites() -> None:
    ranges = identifiers.parse_ranges(["100:102", "200:201"])

    assert identifiers.choose(ranges, {100, 101, 102}) == 200


def test_a_requested_id_in_use_is_refused() -> None:
    with pytest.raises(Conflict, match="1005 is already in use"):
        identifiers.choose([(1000, 1099)], {1005}, requested=1005)


def test_exhausted_ranges_are_named() -> None:
    with pytest.raises(Conflict, match="1-2"):
        identifiers.choose([(1, 2)], {1, 2})


@pytest.mark.parametrize("spec", [["a:b"], ["10:5"]])
def test_bad_ranges_are_refused(spec: list[str]) -> None:
    with pytest.raises(InvalidInput):
        identifiers.parse_ranges(spec)


def test_route_targets_count_up_per_asn() -> None:
    taken = ["64512:1", "64512:7", "65000:99", "64512:x"]

    assert identifiers.next_route_target(64512, taken) == "64512:8"
    assert identifiers.next_route_target(64999, taken) == "64999:1"
