"""Options of the ``[api]`` group: the HTTP front end."""

from oslo_config import cfg

GROUP = cfg.OptGroup("api", title="HTTP API", help="Where and how georedflow-api serves.")

OPTS: list[cfg.Opt] = [
    cfg.HostAddressOpt("bind_host", default="127.0.0.1", help="Address the API listens on."),
    cfg.PortOpt("bind_port", default=9797, help="Port the API listens on."),
    cfg.StrOpt(
        "auth_strategy",
        default="noauth",
        choices=[
            ("noauth", "No authentication; for the embedded default on a loopback address."),
            ("keystone", "Every /v1 request needs a Keystone token."),
        ],
        help="How API requests are authenticated.",
    ),
    cfg.IntOpt(
        "max_request_body_bytes",
        default=2 * 1024 * 1024,
        min=1024,
        help="Larger request bodies are refused with 413 before they are read.",
    ),
    cfg.IntOpt(
        "read_connections",
        default=4,
        min=1,
        help=(
            "Database connections of the API's reads of connections and jobs, in a pool of "
            "their own: as many such reads run at once, the others wait for a connection "
            "(in the event loop, not in a thread each). More helps only as far as the "
            "database and the API's one process (one core) keep up."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
