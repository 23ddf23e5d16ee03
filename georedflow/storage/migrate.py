"""Alembic migrations, driven from code (no alembic.ini needed)."""

import os
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")
# TaskFlow keeps its logbook schema in the same database under Alembic's default
# version table; ours must not collide with it.
VERSION_TABLE = "georedflow_alembic_version"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    script = ScriptDirectory(MIGRATIONS_DIR)
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def schema_drift(engine: Engine) -> list[Any]:
    """Differences between the database and the models, ignoring other tables (TaskFlow's)."""
    from georedflow.storage.models import Base

    def ours(obj: Any, name: str | None, type_: str, *_args: Any) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table is None or table in Base.metadata.tables

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE, "include_object": ours}
        )
        return list(compare_metadata(context, Base.metadata))
