"""Options of the ``[jobboard]`` group: where jobs wait for a runner."""

from oslo_config import cfg

GROUP = cfg.OptGroup("jobboard", title="Job board", help="How jobs reach the flow runners.")

OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        "backend",
        default="embedded",
        choices=[
            ("embedded", "The API process runs jobs itself."),
            ("zookeeper", "Jobs are posted to ZooKeeper and run by georedflow-worker processes."),
        ],
        help="Job board backend.",
    ),
    cfg.IntOpt(
        "embedded_jobs",
        default=4,
        min=1,
        help="How many jobs the embedded runner runs at once.",
    ),
    cfg.ListOpt(
        "hosts",
        default=["127.0.0.1:2181"],
        help="ZooKeeper servers as host:port (zookeeper backend).",
    ),
    cfg.StrOpt("path", default="/georedflow/jobs", help="ZooKeeper path of the job board."),
    cfg.FloatOpt(
        "session_timeout",
        default=10.0,
        min=1.0,
        help=(
            "ZooKeeper session timeout in seconds: how long a silent worker keeps its "
            "claim before another worker may take its job over."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
