import pytest

from georedflow.exceptions import InvalidInput
from georedflow.services.scope import derive_scope

URLS = {"a": "http://keystone-a/v3", "b": "http://keystone-b/v3"}


def auth_url(cloud: str, _region: str | None) -> str:
    return URLS[cloud[0]]


def test_cells_of_one_region() -> None:
    assert derive_scope(("a1", "R1", "c1"), ("a1", "R1", "c2"), auth_url) == "cell"


def test_regions_of_one_keystone() -> None:
    assert derive_scope(("a1", "R1", None), ("a2", "R2", None), auth_url) == "region"


def test_independent_clouds() -> None:
    assert derive_scope(("a1", "R1", None), ("b1", "R1", None), auth_url) == "cloud"


def test_the_same_region_without_cells_is_refused() -> None:
    with pytest.raises(InvalidInput, match="different cell"):
        derive_scope(("a1", "R1", None), ("a1", "R1", None), auth_url)
