"""Exponential back-off between the attempts of one delivery."""


def retry_delay(attempts: int, base: float, ceiling: float) -> float:
    """Seconds to wait after ``attempts`` failed attempts: base, 2 base, 4 base… at most ceiling."""
    if attempts < 1:
        return 0.0
    # The exponent is capped so an absurd attempt count cannot overflow.
    return float(min(ceiling, base * 2.0 ** min(attempts - 1, 64)))
