"""history: the public version of each approved announcement, and a delivery per kind

An original and its ralats share a key; ``announcements.version`` numbers their public versions
(unique per key). A revocation gets its own delivery row per channel instead of overwriting the
publication's, so the proof of both is kept.

Revision ID: 0005_history
Revises: 0004_images
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import inspect

import shared.models


revision = "0005_history"
down_revision = "0004_images"
branch_labels = None
depends_on = None


def _deliveries(unique_cols: tuple[str, ...], name: str | None) -> sa.Table:
    """The deliveries table as batch mode should copy it (SQLite cannot drop an unnamed constraint
    in place, so the table is rebuilt from this definition)."""
    return sa.Table(
        "deliveries", sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", shared.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("artifacts", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", shared.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", shared.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*unique_cols, name=name),
        sa.Index("ix_deliveries_announcement_id", "announcement_id"),
        sa.Index("ix_deliveries_channel", "channel"),
        sa.Index("ix_deliveries_state", "state"),
    )


def _old_unique_name() -> str | None:
    for uc in inspect(op.get_bind()).get_unique_constraints("deliveries"):
        if set(uc["column_names"]) == {"announcement_id", "channel"}:
            return uc["name"]
    return None


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
    # every approved announcement so far is version 1 of its key, each ralat the next one
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, key FROM announcements WHERE approved_at IS NOT NULL "
                                "ORDER BY key, approved_at, id")).all()
    seen: dict[str, int] = {}
    for item_id, key in rows:
        seen[key] = seen.get(key, 0) + 1
        conn.execute(sa.text("UPDATE announcements SET version = :v WHERE id = :id"),
                     {"v": seen[key], "id": item_id})
    op.create_index("uq_announcements_key_version", "announcements", ["key", "version"], unique=True)
    if conn.dialect.name == "sqlite":
        with op.batch_alter_table("deliveries", recreate="always",
                                  copy_from=_deliveries(("announcement_id", "channel", "kind"),
                                                        "uq_deliveries_item_channel_kind")):
            pass
    else:
        old = _old_unique_name()
        if old:
            op.drop_constraint(old, "deliveries", type_="unique")
        op.create_unique_constraint("uq_deliveries_item_channel_kind", "deliveries",
                                    ["announcement_id", "channel", "kind"])


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        with op.batch_alter_table("deliveries", recreate="always",
                                  copy_from=_deliveries(("announcement_id", "channel"), None)):
            pass
    else:
        op.drop_constraint("uq_deliveries_item_channel_kind", "deliveries", type_="unique")
        op.create_unique_constraint(None, "deliveries", ["announcement_id", "channel"])
    op.drop_index("uq_announcements_key_version", "announcements")
    with op.batch_alter_table("announcements") as batch:
        batch.drop_column("version")
