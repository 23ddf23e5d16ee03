"""Options of the ``[worker]`` group: georedflow-worker processes."""

from oslo_config import cfg

GROUP = cfg.OptGroup("worker", title="Worker", help="georedflow-worker processes.")

OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        "name",
        help="Name this worker claims jobs under; unset: host name and process id.",
    ),
    cfg.PortOpt(
        "metrics_port",
        default=0,
        help="Serve Prometheus metrics on this port (0: do not serve them).",
    ),
    cfg.HostAddressOpt(
        "metrics_host", default="127.0.0.1", help="Address the metrics are served on."
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
