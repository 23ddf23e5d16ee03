"""Alembic environment: runs migrations against the URL set by georedflow.storage.migrate."""

from alembic import context

from georedflow.storage.db import make_engine
from georedflow.storage.migrate import VERSION_TABLE
from georedflow.storage.models import Base

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
