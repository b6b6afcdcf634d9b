"""notice_params: notices stored as a kind plus parameters, worded when shown

Revision ID: 0009_notice_params
Revises: 0008_vocab

A notice written before this keeps its worded ``message`` (Indonesian) and is shown as it is; a
notice written after it has ``params`` and an empty message, and is worded in the reader's
language each time it is shown.
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_notice_params"
down_revision = "0008_vocab"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("params")
