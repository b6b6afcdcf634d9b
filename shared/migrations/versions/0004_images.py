"""images: the announcement's optional picture, stored once by content; revisions point to it

Revision ID: 0004_images
Revises: 0003_records
"""
from alembic import op
import sqlalchemy as sa
import shared.models


revision = "0004_images"
down_revision = "0003_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", shared.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("image_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("image_caption", sa.Text(), nullable=False, server_default=""))
        batch.create_foreign_key("fk_revisions_image_sha256", "images", ["image_sha256"], ["sha256"])


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.drop_constraint("fk_revisions_image_sha256", type_="foreignkey")
        batch.drop_column("image_caption")
        batch.drop_column("image_sha256")
    op.drop_table("images")
