"""The checks after a build: on the create's own answer in a first attempt, read later."""

from typing import Any

import pytest

from georedflow.clouds.kinds import Kind
from georedflow.exceptions import CloudError
from georedflow.tasks.network import CreateNetwork, CreateSubnet
from georedflow.tasks.verify import VerifyNetwork, VerifySubnet
from tests.unit.fakes import FailingDriver, FakeDriver

CONNECTION = "00000000-0000-4000-8000-000000000001"
PLAN: dict[str, Any] = {
    "network_type": "vxlan",
    "segmentation_id": 5001,
    "local": {"cidr": "10.240.0.0/24"},
}


def first(task: Any) -> Any:
    task.ran_before, task.first_attempt = False, True
    return task


def built(driver: FakeDriver) -> tuple[dict[str, Any], dict[str, Any]]:
    network = first(CreateNetwork("local")).execute(driver, CONNECTION, PLAN)
    subnet = first(CreateSubnet("local")).execute(driver, CONNECTION, PLAN, network)
    return network, subnet


def test_a_first_attempt_checks_the_creates_answers_without_asking_the_cloud() -> None:
    network, subnet = built(FakeDriver())
    down = FailingDriver()

    first(VerifyNetwork("local")).execute(down, PLAN, network)
    first(VerifySubnet("local")).execute(down, PLAN, subnet)

    assert down.calls == []


def test_a_first_attempt_still_refuses_an_answer_that_is_not_the_plan() -> None:
    network, subnet = built(FakeDriver())
    with pytest.raises(CloudError, match="segmentation id 5001, planned 5002"):
        first(VerifyNetwork("local")).execute(
            FailingDriver(), {**PLAN, "segmentation_id": 5002}, network
        )
    with pytest.raises(CloudError, match="is DOWN"):
        first(VerifyNetwork("local")).execute(FailingDriver(), PLAN, {**network, "status": "DOWN"})
    other = {**PLAN, "local": {"cidr": "10.240.1.0/24"}}
    with pytest.raises(CloudError, match=r"planned 10\.240\.1\.0/24"):
        first(VerifySubnet("local")).execute(FailingDriver(), other, subnet)


def test_any_other_attempt_reads_what_the_cloud_holds_now() -> None:
    driver = FakeDriver()
    network, subnet = built(driver)
    driver.delete(Kind.SUBNET, subnet["id"])  # gone since the create answered

    VerifyNetwork("local").execute(driver, PLAN, network)
    with pytest.raises(CloudError, match="is gone"):
        VerifySubnet("local").execute(driver, PLAN, subnet)
