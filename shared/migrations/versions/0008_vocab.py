"""vocab: stored states, decisions, kinds, roles and channels hold only members of their vocabulary

The models now read these columns as enums (``shared.vocab``: ``sqlalchemy.Enum``, not native, no
CHECK constraint), so a row whose value is not a member could no longer be read. The columns stay
the ``VARCHAR`` they were (same lengths): no ALTER, so no batch mode is needed on SQLite. This
migration rewrites the legacy values older versions wrote (``deliveries.state`` ``failed`` and
``error``: a failed attempt still being retried, which is ``retrying``, the state the monitor and
the report already counted them with) and values that differ from a member only in case or spaces;
any other value outside the vocabulary stops the upgrade with the rows to look at, rather than
guessing what an office's record meant.

The vocabularies are copied here as they are at this revision (a migration must not change when
``shared.vocab`` grows later).

Revision ID: 0008_vocab
Revises: 0007_endpoints
"""
from alembic import op
import sqlalchemy as sa


revision = "0008_vocab"
down_revision = "0007_endpoints"
branch_labels = None
depends_on = None

ROLES = ("pelaksana", "kabid", "sekretaris", "kadis", "ppid", "admin")
STATES = ("draft", "review_kabid", "review_sekretaris", "review_kadis", "returned", "approved",
          "disseminating", "disseminated", "revoked")
STEPS = ("disposition", "drafting", "review_kabid", "review_sekretaris", "review_kadis",
         "dissemination")
DECISIONS = ("submitted", "approved", "returned", "nothing_to_send", "disseminated")
NOTICE_KINDS = ("assigned", "returned", "revoked", "exempt")
CHANNELS = ("videotron", "radio", "web", "print")
KINDS = ("publish", "update", "revoke")
DELIVERY_STATES = ("pending", "queued", "retrying", "parked", "proof_pending", "confirmed",
                   "superseded", "revoked")
QUEUE_STATES = ("ready", "leased", "parked")
DIP_STATUSES = ("usulan", "diterima", "ditolak")

COLUMNS: tuple[tuple[str, str, tuple[str, ...], dict[str, str]], ...] = (
    ("users", "role", ROLES, {}),
    ("announcements", "state", STATES, {}),
    ("workflow_steps", "step", STEPS, {}),
    ("workflow_steps", "decision", DECISIONS, {}),
    ("inbox", "kind", NOTICE_KINDS, {}),
    ("deliveries", "channel", CHANNELS, {}),
    ("deliveries", "state", DELIVERY_STATES, {"failed": "retrying", "error": "retrying"}),
    ("deliveries", "kind", KINDS, {}),
    ("outbox", "channel", CHANNELS, {}),
    ("outbox", "kind", KINDS, {}),
    ("queue_messages", "state", QUEUE_STATES, {}),
    ("dip_entries", "status", DIP_STATUSES, {}),
)
"""(table, column, the vocabulary, legacy value → member) of every column the models type."""


def upgrade() -> None:
    conn = op.get_bind()
    problems = []
    for table, column, members, legacy in COLUMNS:
        t = sa.table(table, sa.column(column, sa.String()))
        col = t.c[column]
        found = conn.execute(sa.select(col, sa.func.count()).where(col.is_not(None))
                             .group_by(col)).all()
        for value, n in found:
            if value in members:
                continue
            target = legacy.get(value) or legacy.get(value.strip().lower()) or value.strip().lower()
            if target in members:
                conn.execute(sa.update(t).where(col == value).values({column: target}))
            else:
                problems.append(f"{table}.{column} = {value!r} ({n} rows)")
    if problems:
        raise RuntimeError("Values outside their vocabulary (shared/vocab.py); correct these rows, "
                           "then upgrade again: " + "; ".join(problems))


def downgrade() -> None:
    # nothing to undo: every value written above is one the previous revision wrote as well
    pass
