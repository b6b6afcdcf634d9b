"""draft_slots: the editor's unsaved form per user and draft (autosave, idle lock)

Revision ID: 0010_draft_slots
Revises: 0009_notice_params

One row per (user, draft): the form fields as typed (JSON), whether the idle lock saved it, and
when. A new table only: nothing existing changes, so no batch mode is needed on SQLite.
"""
from alembic import op
import sqlalchemy as sa
import shared.models


revision = "0010_draft_slots"
down_revision = "0009_notice_params"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("by_lock", sa.Boolean(), nullable=False),
        sa.Column("updated_at", shared.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_draft_slots_user_key"),
    )


def downgrade() -> None:
    op.drop_table("draft_slots")
