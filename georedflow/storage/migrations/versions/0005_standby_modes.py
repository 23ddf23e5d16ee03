"""standby modes: the plan, primary role, drift findings, config snapshots

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.add_column(sa.Column("plan", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("primary_role", sa.String(length=8), nullable=False, server_default="local")
        )
        batch.add_column(sa.Column("findings", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("audited_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "config_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("connection_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=127), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connection_id"], ["connections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("connection_id", "version"),
    )
    op.create_index("ix_config_snapshots_connection_id", "config_snapshots", ["connection_id"])


def downgrade() -> None:
    op.drop_index("ix_config_snapshots_connection_id", table_name="config_snapshots")
    op.drop_table("config_snapshots")
    with op.batch_alter_table("connections") as batch:
        batch.drop_column("audited_at")
        batch.drop_column("findings")
        batch.drop_column("primary_role")
        batch.drop_column("plan")
