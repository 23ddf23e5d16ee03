"""georedflow-manage: administrative commands (``db upgrade``, ``db version``, ``db purge``)."""

from collections.abc import Sequence

from oslo_config import cfg

from georedflow.cmd import config as cmd_config
from georedflow.jobs import persistence
from georedflow.jobs.purge import purge_finished_jobs
from georedflow.storage import db, migrate
from georedflow.storage.jobs import JobRepository


def _add_commands(subparsers) -> None:  # type: ignore[no-untyped-def]
    db_parser = subparsers.add_parser("db", help="database schema")
    db_actions = db_parser.add_subparsers(dest="action", required=True)
    upgrade = db_actions.add_parser("upgrade", help="migrate the schema to a revision")
    upgrade.add_argument("revision", nargs="?", default="head")
    db_actions.add_parser("version", help="print the schema's current revision")
    purge = db_actions.add_parser(
        "purge", help="forget finished jobs, their tasks and their TaskFlow logbooks"
    )
    purge.add_argument(
        "--older-than",
        type=_days,
        required=True,
        metavar="DAYS",
        help="only jobs that finished more than DAYS days ago (0: every finished job)",
    )


def _days(value: str) -> float:
    days = float(value)
    if days < 0:
        raise ValueError("DAYS cannot be negative")
    return days


COMMAND_OPT = cfg.SubCommandOpt("category", title="commands", handler=_add_commands)


def main(argv: Sequence[str] | None = None) -> int:
    config = cmd_config.load(argv, "georedflow-manage", [COMMAND_OPT])
    url = config.database.connection
    if config.category.action == "upgrade":
        migrate.upgrade(url, config.category.revision)
        engine = db.make_engine(url)
        persistence.upgrade(engine)  # TaskFlow's logbooks live in the same database
        engine.dispose()
        print(f"database schema at {migrate.head_revision()}")
    elif config.category.action == "purge":
        engine = db.make_engine(url)
        days = config.category.older_than
        jobs = JobRepository(db.make_session_factory(engine))
        forgotten = purge_finished_jobs(jobs, persistence.make_backend(engine), days)
        engine.dispose()
        print(f"purged {forgotten} jobs finished more than {days:g} days ago")
    else:
        engine = db.make_engine(url)
        print(migrate.current_revision(engine) or "none")
        engine.dispose()
    return 0
