"""Options of the ``[planning]`` group: the pools georedflow allocates from."""

from oslo_config import cfg

GROUP = cfg.OptGroup(
    "planning", title="Planning", help="Address and identifier pools for new connections."
)

OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        "cidr_pool",
        default="10.240.0.0/12",
        help="Pool that link CIDRs are allocated from when an endpoint gives none.",
    ),
    cfg.IntOpt("cidr_prefix", default=24, min=8, max=29, help="Prefix length of a link CIDR."),
    cfg.ListOpt(
        "vlan_ranges",
        default=["1000:1099"],
        help="VLAN ids (first:last) for vlan connections, on the sites' DCI physnet.",
    ),
    cfg.ListOpt("vni_ranges", default=["5000:5999"], help="VNIs for vxlan connections."),
    cfg.ListOpt("gre_key_ranges", default=["7000:7999"], help="Tunnel keys for gre connections."),
    cfg.IntOpt(
        "route_target_asn",
        default=64512,
        min=1,
        max=4294967295,
        help="AS number of the BGPVPN route targets georedflow allocates (ASN:counter).",
    ),
    cfg.StrOpt(
        "dci_physnet",
        default="dci",
        help="Physical network that carries vlan links when a site names none.",
    ),
    cfg.FloatOpt(
        "status_timeout",
        default=120.0,
        min=1.0,
        help="Seconds to wait for a VPN connection to go ACTIVE before the build fails.",
    ),
    cfg.FloatOpt(
        "survey_max_age",
        default=60.0,
        min=0.0,
        help=(
            "A create's flow plans from what its pre-flight read of both sites (their "
            "subnets, segmentation ids in use, external network) when its job starts "
            "within this many seconds of the request; later, or when the flow runs again, "
            "it reads the sites itself. 0: always read."
        ),
    ),
    cfg.StrOpt(
        "secret_key_file",
        default="$state_path/secret.key",
        help=(
            "File holding the Fernet key that encrypts pre-shared keys at rest; created "
            "(mode 0600) when missing. Every API and worker process needs the same key."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
