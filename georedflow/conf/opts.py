"""Entry point for oslo-config-generator (namespace ``georedflow``)."""

from oslo_config import cfg

from georedflow.conf import _MODULES


def list_opts() -> list[tuple[str | cfg.OptGroup | None, list[cfg.Opt]]]:
    listed: list[tuple[str | cfg.OptGroup | None, list[cfg.Opt]]] = []
    for module in _MODULES:
        listed.extend(module.list_opts())
    return listed
