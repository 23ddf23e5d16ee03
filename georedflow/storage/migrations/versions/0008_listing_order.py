"""listing order: connections and jobs indexed by (created_at, id), the order lists page in

Without it a list of 100 sorts the whole table (a sequential scan) on every page.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_connections_listing", "connections", ["created_at", "id"])
    op.create_index("ix_jobs_listing", "jobs", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_listing", table_name="jobs")
    op.drop_index("ix_connections_listing", table_name="connections")
