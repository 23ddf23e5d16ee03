"""Options of the ``[DEFAULT]`` group."""

import os

from oslo_config import cfg


def _default_state_path() -> str:
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(base, "georedflow")


OPTS: list[cfg.Opt] = [
    cfg.BoolOpt("debug", default=False, help="Log at DEBUG level instead of INFO."),
    cfg.StrOpt(
        "log_format",
        default="text",
        choices=["text", "json"],
        help="'json': one JSON object per log line, with the job, connection and site "
        "it concerns (secrets masked as in text).",
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
