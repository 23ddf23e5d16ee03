import io
import json
import logging
from concurrent import futures

import pytest

from georedflow import logs
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


def test_json_lines_name_the_job_connection_and_site_even_in_task_threads() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretMasker())
    handler.addFilter(logs.JobContext())
    handler.setFormatter(logs.JsonFormatter())
    log = logging.getLogger("georedflow.test.json")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def task() -> None:
        logs.ROLE.set("remote")
        log.info("made it with psk=%s", SECRET)

    pool = futures.ThreadPoolExecutor(1)
    with logs.job_context("job-1", "conn-1", {"local": "east", "remote": "west"}):
        log.info("planning")
        logs.ContextExecutor(pool).submit(task).result()
    log.info("between jobs")
    pool.shutdown()
    log.removeHandler(handler)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(x["job_id"], x["connection_id"], x["site"]) for x in lines] == [
        ("job-1", "conn-1", None),
        ("job-1", "conn-1", "west"),
        (None, None, None),
    ]
    assert SECRET not in stream.getvalue()
    assert lines[1]["message"] == f"made it with psk={MASK}"
