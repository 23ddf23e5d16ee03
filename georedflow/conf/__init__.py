"""Option groups. Each module owns one group; ``register_opts`` wires them all."""

from oslo_config import cfg
from oslo_log import log

from georedflow.conf import (
    api,
    clouds,
    database,
    default,
    jobboard,
    keystone,
    notifications,
    planning,
    standby,
    worker,
)

_MODULES = (
    default,
    api,
    keystone,
    database,
    jobboard,
    clouds,
    planning,
    worker,
    notifications,
    standby,
)


def register_opts(conf: cfg.ConfigOpts) -> None:
    log.register_options(conf)  # debug, log_file, use_json, use_syslog, levels...
    for module in _MODULES:
        module.register_opts(conf)
