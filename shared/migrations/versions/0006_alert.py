"""alert: the early-warning (CAP) choices of a serta-merta revision

Revision ID: 0006_alert
Revises: 0005_history
"""
from alembic import op
import sqlalchemy as sa


revision = "0006_alert"
down_revision = "0005_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("alert", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("alert")
