"""Options of the ``[DEFAULT]`` group."""

import os

from oslo_config import cfg


def _default_state_path() -> str:
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(base, "georedflow")


# Logging is oslo.log's ([DEFAULT] debug, log_file, log_dir, use_json, use_syslog,
# default_log_levels...): registered beside these by ``georedflow.conf.register_opts``.
OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        "log_format",
        default="text",
        choices=["text", "json"],
        deprecated_for_removal=True,
        deprecated_reason="oslo.log's use_json does the same",
        help="'json': the same as use_json = true.",
    ),
    cfg.StrOpt(
        "state_path",
        default=_default_state_path(),
        sample_default="$XDG_STATE_HOME/georedflow",
        help="Directory for georedflow's own files (the embedded SQLite database, locks).",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS)


def list_opts() -> list[tuple[str | None, list[cfg.Opt]]]:
    return [(None, OPTS)]
