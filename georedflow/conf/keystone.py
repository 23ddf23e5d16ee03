"""Options of the ``[keystone]`` group: validating callers' tokens (auth_strategy = keystone),
and of ``[service_auth]``: the service user that validates them, loaded by keystoneauth.

``[service_auth] auth_type`` names any keystoneauth plugin (``password``,
``v3applicationcredential``, ``token``...) with its own options in that group; without
it, the service user is ``[keystone] username`` and ``password`` (the password plugin).
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

SERVICE_AUTH = "service_auth"

GROUP = cfg.OptGroup(
    "keystone", title="Keystone", help="Token validation when [api] auth_strategy = keystone."
)

OPTS: list[cfg.Opt] = [
    cfg.URIOpt(
        "auth_url",
        help="Keystone v3 endpoint that validates tokens, e.g. http://keystone:5000/v3 "
        "(default: [service_auth] auth_url).",
    ),
    cfg.StrOpt(
        "username", help="Service user that validates tokens (when [service_auth] has none)."
    ),
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
    ks_loading.register_auth_conf_options(conf, SERVICE_AUTH)


def list_opts() -> list[tuple[str | cfg.OptGroup, list[cfg.Opt]]]:
    # The sample shows the password plugin's options; another auth_type has its own.
    service_auth = (
        ks_loading.get_auth_common_conf_options()
        + ks_loading.get_auth_plugin_conf_options("password")
    )
    return [(GROUP, OPTS), (SERVICE_AUTH, service_auth)]
