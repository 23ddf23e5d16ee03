"""A failed build gives back what it reserved. (That it reverts both sites completely,
at every write, is the fault matrix's: test_fault_matrix.py.)"""

from typing import Any

from tests.integration.harness import Harness


def test_a_failed_build_releases_what_it_reserved(georedflow: Harness, lab: dict[str, Any]) -> None:
    lab["west"].arm_fault("POST", r"^/v2.0/networks$", status=500)
    failed = georedflow.create("vxlan", "east", "west", options={"segmentation_id": 5999})
    assert georedflow.wait(failed["job"]["id"])["state"] == "FAILED"

    again = georedflow.create("vxlan", "east", "west", options={"segmentation_id": 5999})
    job = georedflow.wait(again["job"]["id"])

    assert job["state"] == "SUCCEEDED", job["error"]
    delete = georedflow.client.delete(f"/v1/connections/{again['connection']['id']}")
    assert georedflow.wait(delete.json()["job"]["id"])["state"] == "SUCCEEDED"
