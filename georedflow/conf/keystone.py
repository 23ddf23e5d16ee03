"""Options of the ``[keystone]`` group: validating callers' tokens (auth_strategy = keystone)."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    "keystone", title="Keystone", help="Token validation when [api] auth_strategy = keystone."
)

OPTS: list[cfg.Opt] = [
    cfg.URIOpt("auth_url", help="Keystone v3 endpoint, e.g. http://keystone:5000/v3."),
    cfg.StrOpt("username", help="Service user that validates tokens."),
    cfg.StrOpt("password", secret=True, help="Password of the service user."),
    cfg.StrOpt("project_name", default="service", help="Project of the service user."),
    cfg.StrOpt("user_domain_name", default="Default", help="Domain of the service user."),
    cfg.StrOpt("project_domain_name", default="Default", help="Domain of its project."),
    cfg.FloatOpt(
        "token_cache_seconds",
        default=60.0,
        min=0.0,
        help=(
            "How long a validated token is trusted before Keystone is asked again; "
            "a revoked token is refused at the latest this long after revocation."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
