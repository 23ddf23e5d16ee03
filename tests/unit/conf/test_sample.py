import subprocess
import sys

from tests.conftest import REPO

SAMPLE = REPO / "conf" / "georedflow.conf.sample"


def test_committed_sample_config_is_up_to_date(tmp_path) -> None:
    generated = tmp_path / "georedflow.conf.sample"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "oslo_config.generator",
            "--config-file",
            str(REPO / "conf" / "georedflow-config-generator.conf"),
            "--output-file",
            str(generated),
        ],
        check=True,
        cwd=REPO,
    )

    assert generated.read_text() == SAMPLE.read_text(), (
        "conf/georedflow.conf.sample is stale: run 'make sample-config' and commit it"
    )
