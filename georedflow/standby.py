"""Settings of the standby life cycle: config snapshots, activation callbacks, the audit."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StandbySettings:
    config_versions: int = 10  # snapshots kept per connection
    max_config_bytes: int = 1024 * 1024
    callback_attempts: int = 5
    callback_backoff: float = 1.0  # seconds before the second attempt, doubling
    callback_timeout: float = 10.0
    audit: bool = True  # the periodic audit of built connections
    hot_audit_interval: float = 30.0
    warm_audit_interval: float = 300.0
    cold_audit_interval: float = 3600.0
    lease_seconds: float = 30.0  # a heartbeat's lease on the primary role

    def audit_intervals(self) -> dict[str, float]:
        return {
            "hot": self.hot_audit_interval,
            "warm": self.warm_audit_interval,
            "cold": self.cold_audit_interval,
        }
