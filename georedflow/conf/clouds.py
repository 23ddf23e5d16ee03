"""Options of the ``[clouds]`` group: where the sites' credentials live."""

from oslo_config import cfg

GROUP = cfg.OptGroup("clouds", title="Clouds", help="Credentials of the sites' clouds.")

OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        "config_file",
        help=(
            "Path of the clouds.yaml that names the sites' clouds. Unset: openstacksdk's "
            "usual search (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/, "
            "/etc/openstack/)."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
