import logging

import pytest

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
