"""Options of the ``[standby]`` group: config snapshots, activation callbacks, the audit, the
primary's lease."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    "standby",
    title="Standby",
    help="Config snapshots of warm and cold standbys, activation, and the periodic audit.",
)

OPTS: list[cfg.Opt] = [
    cfg.IntOpt("config_versions", default=10, min=1, help="Config snapshots kept per connection."),
    cfg.IntOpt(
        "max_config_bytes",
        default=1024 * 1024,
        min=1,
        help="Largest config snapshot accepted, in bytes.",
    ),
    cfg.IntOpt(
        "callback_attempts",
        default=5,
        min=1,
        help="Attempts to deliver the config to an activation callback before the "
        "activation fails (and is rolled back).",
    ),
    cfg.FloatOpt(
        "callback_backoff",
        default=1.0,
        min=0.0,
        help="Seconds before the second delivery attempt; doubled after every failure.",
    ),
    cfg.FloatOpt(
        "callback_timeout", default=10.0, min=0.1, help="Seconds a callback has to answer."
    ),
    cfg.BoolOpt(
        "audit",
        default=True,
        help="Audit every built connection periodically (in the API process) and mark "
        "it DEGRADED, with its findings, when a site drifted from the record.",
    ),
    cfg.FloatOpt(
        "hot_audit_interval", default=30.0, min=1.0, help="Seconds between audits of hot standbys."
    ),
    cfg.FloatOpt(
        "warm_audit_interval",
        default=300.0,
        min=1.0,
        help="Seconds between audits of warm standbys.",
    ),
    cfg.FloatOpt(
        "lease_seconds",
        default=30.0,
        min=1.0,
        help="How long a heartbeat keeps the primary's lease (POST /v1/connections/{id}"
        "/heartbeat); a connection's options.lease_seconds overrides it. While the lease "
        "is live an activation needs force; once it expires, a connection with "
        "options.auto_failover is activated by georedflow itself.",
    ),
    cfg.FloatOpt(
        "cold_audit_interval",
        default=3600.0,
        min=1.0,
        help="Seconds between audits of activated (or prebuilt) cold standbys.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
