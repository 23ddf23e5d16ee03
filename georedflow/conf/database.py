"""Options of the ``[database]`` group: georedflow's own tables and TaskFlow's logbooks."""

from oslo_config import cfg

GROUP = cfg.OptGroup("database", title="Database", help="Storage for sites, connections, jobs.")

OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        "connection",
        default="sqlite:///$state_path/georedflow.sqlite",
        secret=True,  # a URL may carry a password
        help=(
            "SQLAlchemy URL of the database. SQLite suits one process (the embedded "
            "default); use PostgreSQL (postgresql+psycopg://...) with several workers."
        ),
    ),
    cfg.FloatOpt(
        "job_retention_days",
        default=0.0,
        min=0.0,
        help=(
            "Finished jobs (with their task rows and TaskFlow logbooks) older than this "
            "many days are purged once an hour by every georedflow process. 0 keeps them "
            "all; 'georedflow-manage db purge --older-than DAYS' purges once."
        ),
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
    return [(GROUP, OPTS)]
