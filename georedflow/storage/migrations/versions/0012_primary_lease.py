"""primary lease: a connection's epoch (fencing token) and lease; why a job was started

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_connections_lease_expires_at", ["lease_expires_at"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("forced", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("trigger", sa.String(length=16), nullable=False, server_default="request")
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("trigger")
        batch.drop_column("forced")
    with op.batch_alter_table("connections") as batch:
        batch.drop_index("ix_connections_lease_expires_at")
        batch.drop_column("lease_expires_at")
        batch.drop_column("epoch")
