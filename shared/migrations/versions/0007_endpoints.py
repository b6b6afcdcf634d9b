"""endpoints: several named screens or stations per channel, each with its own delivery

A channel configured with named endpoints (``WARTA_ENDPOINTS``) gets one delivery and one outbox
row per endpoint, so an announcement is disseminated only when every screen confirmed. Existing
rows belong to the channel's unnamed endpoint ('').

Revision ID: 0007_endpoints
Revises: 0006_alert
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_endpoints"
down_revision = "0006_alert"
branch_labels = None
depends_on = None

OLD = "uq_deliveries_item_channel_kind"
NEW = "uq_deliveries_item_channel_kind_endpoint"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("endpoint", sa.String(32), nullable=False, server_default=""))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("endpoint", sa.String(32), nullable=False, server_default=""))
        batch.drop_constraint(OLD, type_="unique")
        batch.create_unique_constraint(NEW, ["announcement_id", "channel", "kind", "endpoint"])


def downgrade() -> None:
    # named endpoints cannot fit the old constraint: keep only the first endpoint's row of each
    conn = op.get_bind()
    conn.execute(sa.text(
        "DELETE FROM deliveries WHERE endpoint <> '' AND id NOT IN (SELECT min(id) FROM "
        "deliveries GROUP BY announcement_id, channel, kind)"))
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(NEW, type_="unique")
        batch.create_unique_constraint(OLD, ["announcement_id", "channel", "kind"])
        batch.drop_column("endpoint")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("endpoint")
