"""records: DIP register, monthly DIP establishments, exempt register

Revision ID: 0003_records
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import shared.models


revision = "0003_records"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dip_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("ringkasan", sa.Text(), nullable=False),
        sa.Column("pejabat_unit", sa.String(length=300), nullable=False),
        sa.Column("penanggung_jawab", sa.String(length=300), nullable=False),
        sa.Column("waktu_pembuatan", sa.String(length=100), nullable=False),
        sa.Column("tempat_pembuatan", sa.String(length=200), nullable=False),
        sa.Column("bentuk", sa.JSON(), nullable=False),
        sa.Column("jangka_waktu", sa.String(length=100), nullable=False),
        sa.Column("jenis", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", shared.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_month", sa.String(length=7), nullable=True),
        sa.Column("created_at", shared.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"]),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("announcement_id"),
    )
    with op.batch_alter_table("dip_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dip_entries_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_dip_entries_status"), ["status"], unique=False)

    op.create_table(
        "dip_establishments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sk_number", sa.String(length=120), nullable=False),
        sa.Column("established_by_id", sa.Integer(), nullable=False),
        sa.Column("established_at", shared.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["established_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month"),
    )

    op.create_table(
        "exempt_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("informasi", sa.Text(), nullable=False),
        sa.Column("pejabat_unit", sa.String(length=300), nullable=False),
        sa.Column("pasal17_huruf", sa.String(length=2), nullable=False),
        sa.Column("dasar_lain", sa.Text(), nullable=False),
        sa.Column("konsekuensi", sa.Text(), nullable=False),
        sa.Column("pertimbangan", sa.Text(), nullable=False),
        sa.Column("jangka_waktu", sa.String(length=100), nullable=False),
        sa.Column("berlaku_sampai", shared.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcements.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("exempt_register")
    op.drop_table("dip_establishments")
    with op.batch_alter_table("dip_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dip_entries_status"))
        batch_op.drop_index(batch_op.f("ix_dip_entries_month"))
    op.drop_table("dip_entries")
