"""How the dispatcher polls, sends and retries (cmd/ fills it from [notifications])."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationSettings:
    poll_interval: float = 1.0  # seconds between looks at the outbox when idle
    timeout: float = 10.0  # seconds a receiver has to answer one POST
    retry_base_seconds: float = 5.0  # first back-off; doubles on every failed attempt
    retry_max_seconds: float = 600.0  # back-off ceiling
    max_attempts: int = 10  # then the delivery is marked failed
    event_retention_days: float = 7.0  # sent events are forgotten after this; 0: kept
    batch: int = 100  # deliveries looked at per round
    # CIDRs callbacks may reach although internal (destinations.py); public ones always.
    allowed_networks: tuple[str, ...] = ()
