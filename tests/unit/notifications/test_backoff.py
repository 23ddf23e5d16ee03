import pytest

from georedflow.notifications.backoff import retry_delay


def test_the_delay_doubles_from_the_base_up_to_the_ceiling() -> None:
    delays = [retry_delay(attempts, base=5, ceiling=60) for attempts in range(1, 8)]

    assert delays == [5, 10, 20, 40, 60, 60, 60]


@pytest.mark.parametrize("attempts", [0, -1])
def test_no_failed_attempt_means_no_wait(attempts: int) -> None:
    assert retry_delay(attempts, base=5, ceiling=60) == 0


def test_a_huge_attempt_count_stays_at_the_ceiling() -> None:
    assert retry_delay(10_000, base=0.5, ceiling=600) == 600
