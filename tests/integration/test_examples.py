"""The examples run against a georedflow-api and the lab, and print what they document."""

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.integration.harness import ApiProcess

EXAMPLES = [
    "l2_stretched",
    "l2_gateway",
    "ipsec_vpn",
    "bgp_vpn",
    "evpn",
    "cell_segments",
    "tacker_vnfm",
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_prints_its_golden_output(api: ApiProcess, example: str) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / f"{example}.py"), "--url", api.url],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO / "examples",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == (REPO / "examples" / "expected" / f"{example}.txt").read_text()
