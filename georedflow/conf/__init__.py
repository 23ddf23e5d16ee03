"""Option groups. Each module owns one group; ``register_opts`` wires them all."""

from oslo_config import cfg

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
    for module in _MODULES:
        module.register_opts(conf)
