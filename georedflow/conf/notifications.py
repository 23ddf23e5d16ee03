"""Options of the ``[notifications]`` group: how subscriptions' webhooks are sent."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    "notifications",
    title="Notifications",
    help="Webhooks: events POSTed to subscriptions by every georedflow process.",
)

OPTS: list[cfg.Opt] = [
    cfg.FloatOpt(
        "poll_interval",
        default=1.0,
        min=0.05,
        help="Seconds between two looks at the event outbox while there is nothing to send.",
    ),
    cfg.FloatOpt(
        "timeout", default=10.0, min=0.1, help="Seconds a subscriber has to answer one POST."
    ),
    cfg.FloatOpt(
        "retry_base_seconds",
        default=5.0,
        min=0.0,
        help="Wait before the second attempt of a delivery; doubled after every failure.",
    ),
    cfg.FloatOpt(
        "retry_max_seconds",
        default=600.0,
        min=0.0,
        help="Longest wait between two attempts of a delivery.",
    ),
    cfg.IntOpt(
        "max_attempts",
        default=10,
        min=1,
        help="Attempts of a delivery before it is marked failed.",
    ),
    cfg.FloatOpt(
        "event_retention_days",
        default=7.0,
        min=0.0,
        help="Days an event (and what became of its deliveries) is kept once nothing is "
        "left to send; 0 keeps them forever.",
    ),
    cfg.ListOpt(
        "allowed_networks",
        default=[],
        help="CIDRs (IPv4 or IPv6) that webhooks (subscriptions' callback_uri) and "
        "activation callbacks may reach although they are loopback, link-local, private, "
        "multicast, reserved or otherwise internal; every other internal address is "
        "refused, when the URL is given (422) and again before every send. Public "
        "addresses are always allowed. Empty (the default) allows no internal address; "
        "e.g. 10.20.0.0/16 for a VNF manager on the management network.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
