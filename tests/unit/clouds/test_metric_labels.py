"""The cloud-call metrics are labelled with site names, never with clouds.yaml's names."""

from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from georedflow.clouds.openstack import Clouds


def _sites_labelled() -> set[str]:
    return {
        sample.labels["site"]
        for metric in REGISTRY.collect()
        if metric.name.startswith("georedflow_cloud")
        for sample in metric.samples
        if "site" in sample.labels
    }


def test_reading_clouds_yaml_is_not_a_cloud_call_of_the_cloud_name(tmp_path: Path) -> None:
    clouds_file = tmp_path / "clouds.yaml"
    clouds_file.write_text(
        "clouds:\n  dc-north-cloud:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n"
        "    region_name: RegionOne\n"
    )
    clouds = Clouds(str(clouds_file))

    assert clouds.auth_url("dc-north-cloud", None) == "http://127.0.0.1:1/v3"

    assert "dc-north-cloud" not in _sites_labelled()


def test_the_configured_clouds_yaml_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("clouds:\n  dc-north-cloud:\n    auth:\n      auth_url: http://other/v3\n")
    mine = tmp_path / "clouds.yaml"
    mine.write_text("clouds:\n  dc-north-cloud:\n    auth:\n      auth_url: http://mine/v3\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(other))

    assert Clouds(str(mine)).auth_url("dc-north-cloud", None) == "http://mine/v3"
    assert Clouds(None).auth_url("dc-north-cloud", None) == "http://other/v3"  # no file: env
