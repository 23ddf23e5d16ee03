import pytest

from georedflow.storage.filters import matches


@pytest.mark.parametrize(
    ("filter_", "event_type", "connection_id", "expected"),
    [
        ({}, "job.succeeded", "c1", True),
        ({}, "job.succeeded", None, True),
        ({"event_types": ["job.failed"]}, "job.succeeded", "c1", False),
        ({"event_types": ["job.failed", "job.succeeded"]}, "job.succeeded", "c1", True),
        ({"connection_ids": ["c1"]}, "connection.state_changed", "c1", True),
        ({"connection_ids": ["c1"]}, "connection.state_changed", "c2", False),
        ({"connection_ids": ["c1"]}, "job.succeeded", None, False),  # a site probe's job
        ({"connection_ids": ["c1"], "event_types": ["job.failed"]}, "job.succeeded", "c1", False),
        ({"connection_ids": ["c1"], "event_types": ["job.failed"]}, "job.failed", "c1", True),
    ],
)
def test_every_given_criterion_must_match(
    filter_: dict[str, list[str]], event_type: str, connection_id: str | None, expected: bool
) -> None:
    assert matches(filter_, event_type, connection_id) is expected
