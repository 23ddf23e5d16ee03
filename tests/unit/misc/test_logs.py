import json
import logging
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import pytest
from oslo_config import cfg

from georedflow import logs
from georedflow.conf import register_opts
from georedflow.logs import MASK, SecretMasker, mask

SECRET = "s3cr3t-Value_0123456789"


@pytest.mark.parametrize(
    "line",
    [
        f'REQ: curl -X POST -d \'{{"ipsec_site_connection": {{"psk": "{SECRET}", "mtu": 1500}}}}\'',
        f"{{'password': '{SECRET}'}}",
        f"-H 'X-Auth-Token: {SECRET}' http://neutron",
        f"connecting with token={SECRET}&x=1",
    ],
)
def test_secrets_are_masked_and_the_rest_kept(line: str) -> None:
    masked = mask(line)

    assert SECRET not in masked
    assert MASK in masked


def test_the_filter_masks_formatted_records_and_exceptions() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "body %s", ({"psk": SECRET},), None)
    try:
        raise ValueError(f"password={SECRET}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    SecretMasker().filter(record)

    assert SECRET not in record.getMessage()
    assert SECRET not in (record.exc_text or "")
    assert "body" in record.getMessage()


@pytest.fixture
def json_log_file(tmp_path: Path) -> Iterator[Path]:
    """Logging set up by oslo.log as georedflow sets it up: JSON lines into a file."""
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    conf = cfg.ConfigOpts()
    register_opts(conf)
    path = tmp_path / "georedflow.log"
    conf([f"--log-file={path}"], project="georedflow", default_config_files=[])
    conf.set_override("use_json", True)
    logs.setup(conf, "test")
    yield path
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in before[0]:
        root.addHandler(handler)
    root.setLevel(before[1])


def test_json_lines_name_the_job_connection_and_site_even_in_task_threads(
    json_log_file: Path,
) -> None:
    log = logging.getLogger("georedflow.test.json")

    def task() -> None:
        logs.ROLE.set("remote")
        log.info("made it with psk=%s", SECRET)

    pool = futures.ThreadPoolExecutor(1)
    with logs.job_context("job-1", "conn-1", {"local": "east", "remote": "west"}):
        log.info("planning")
        logs.ContextExecutor(pool).submit(task).result()
    log.info("between jobs")
    try:
        raise ValueError(f"password={SECRET}")
    except ValueError:
        log.exception("it failed")
    pool.shutdown()

    text = json_log_file.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    lines = [line for line in lines if line["name"] == "georedflow.test.json"]
    keys = ("job_id", "connection_id", "site")
    context = [tuple(x["extra"].get(k) for k in keys) for x in lines]
    assert context == [
        ("job-1", "conn-1", None),
        ("job-1", "conn-1", "west"),
        (None, None, None),
        (None, None, None),
    ]
    assert SECRET not in text  # in messages and in the rendered traceback
    assert lines[1]["message"] == f"made it with psk={MASK}"
    assert "ValueError" in lines[3]["traceback"] and MASK in lines[3]["traceback"]


def test_a_line_naming_no_secret_is_left_alone_and_any_spelling_of_one_is_masked() -> None:
    line = '127.0.0.1:45262 - "GET /v1/connections/7edb0c02 HTTP/1.1" 200'
    assert logs.mask(line) is line
    # What the patterns' (?i) matches, the quick look must not miss: case, and the
    # characters Unicode folds onto the keys' letters (long s, Kelvin sign).
    assert logs.mask("PassWord=hunter2 \u017fecret=s1 p\u017f\u212a=k1") == (
        "PassWord=*** \u017fecret=*** p\u017f\u212a=***"
    )
