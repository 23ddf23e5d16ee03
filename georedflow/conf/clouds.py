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
    cfg.IntOpt(
        "retries",
        default=4,
        min=0,
        help=(
            "How many times a cloud call that failed transiently (no answer, a dropped "
            "connection, 502/503/504, a conflict that clears by itself) is tried again, "
            "with exponential back-off and jitter. Permanent errors are never retried."
        ),
    ),
    cfg.FloatOpt(
        "retry_max_delay",
        default=10.0,
        min=0.0,
        help="The longest wait, in seconds, between two attempts at a cloud call.",
    ),
    cfg.FloatOpt(
        "site_facts_max_age",
        default=300.0,
        min=0.0,
        help=(
            "How long, in seconds, a process answers a create's survey of a site's Neutron "
            "extensions and external networks from what it last read (they change only "
            "when Neutron is reconfigured). 0: read them for every survey. A probe of the "
            "site always reads afresh."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
