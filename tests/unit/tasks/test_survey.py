"""A create's first survey takes its pre-flight's reads while young; otherwise it reads."""

import time
from types import SimpleNamespace
from typing import Any

import pytest

from georedflow import technologies
from georedflow.clouds.kinds import Kind
from georedflow.planning.settings import PlanningSettings
from georedflow.storage.models import Site
from georedflow.tasks.plan import SurveySite
from tests.unit.fakes import FailingDriver, FakeDriver

KEPT = {
    "cidrs": ["10.9.0.0/24"],
    "segmentation_ids": {"vxlan": [5000]},
    "external_network_id": None,
}


class Repo:
    def __init__(self, surveys: dict[str, Any] | None) -> None:
        site = Site(name="east", cloud="lab-east", physical_networks={})
        self.connection = SimpleNamespace(
            technology="vxlan",
            surveys=surveys,
            endpoint=lambda role: SimpleNamespace(site=site),
        )

    def get(self, connection_id: str) -> Any:
        return self.connection


def survey(*, ran_before: bool) -> SurveySite:
    task = SurveySite("local", technologies.get("vxlan").needs)
    task.ran_before = ran_before
    return task


def test_a_first_survey_takes_the_preflights_reads_while_they_are_young() -> None:
    down = FailingDriver()
    repo = Repo({"read_at": time.time() - 5, "local": KEPT})

    assert survey(ran_before=False).execute(down, repo, "c", PlanningSettings()) == KEPT
    assert down.calls == []


@pytest.mark.parametrize(
    ("ran_before", "surveys"),
    [
        (True, {"read_at": time.time(), "local": KEPT}),  # resumed: read what is there now
        (False, {"read_at": time.time() - 61, "local": KEPT}),  # older than survey_max_age
        (False, {"read_at": time.time() + 30, "local": KEPT}),  # a clock ahead of this one
        (False, {"read_at": time.time(), "remote": KEPT}),  # not this site's
        (False, None),  # none kept: a connection made before, or a plan spent them
    ],
)
def test_otherwise_the_survey_reads_the_site(ran_before: bool, surveys: Any) -> None:
    driver = FakeDriver()
    driver.create(Kind.SUBNET, {"cidr": "10.7.0.0/24"})

    found = survey(ran_before=ran_before).execute(driver, Repo(surveys), "c", PlanningSettings())

    assert found["cidrs"] == ["10.7.0.0/24"]
