"""The relay's side of the transactional outbox: claim due rows, mark them published once the
broker confirmed them (and the announcement disseminating), back off after a failure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from shared import audit
from shared.models import Announcement, Delivery, OutboxRow
from shared.services.context import Service
from shared.services.deliveries import SYSTEM
from shared.timefmt import utcnow
from shared.vocab import DeliveryState
from shared.workflow import State


class Outbox(Service):
    """The outbox rows the relay publishes."""

    def claim(self, limit: int, lease_seconds: float) -> list[dict]:
        """Claim unpublished rows that are due (urgent first), hiding them from other relays for
        ``lease_seconds`` (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so several relays may run)."""
        now = utcnow()
        with self.ctx.tx() as s:
            stmt = (select(OutboxRow).where(OutboxRow.published_at.is_(None))
                    .where((OutboxRow.next_attempt_at.is_(None)) | (OutboxRow.next_attempt_at <= now))
                    .order_by(OutboxRow.priority.desc(), OutboxRow.id).limit(limit))
            if s.get_bind().dialect.name != "sqlite":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = s.execute(stmt).scalars().all()
            for row in rows:
                row.next_attempt_at = now + timedelta(seconds=lease_seconds)
            return [{"id": r.id, "message_id": r.message_id, "channel": r.channel,
                     "endpoint": r.endpoint or "", "priority": r.priority, "payload": r.payload,
                     "kind": r.kind, "announcement_id": r.announcement_id} for r in rows]

    def mark_published(self, row_ids: list[int]) -> list[int]:
        """Mark rows published (after the broker confirmed them); move announcements whose rows are
        all out from approved to disseminating. Returns those announcement ids. A few set-based
        statements per batch (not one per row): the relay holds the write lock briefly."""
        if not row_ids:
            return []
        now = utcnow()
        with self.ctx.tx() as s:
            rows = s.execute(select(OutboxRow.announcement_id, OutboxRow.channel, OutboxRow.message_id)
                             .where(OutboxRow.id.in_(row_ids))).all()
            if not rows:
                return []
            s.execute(update(OutboxRow).where(OutboxRow.id.in_(row_ids))
                      .values(published_at=now, last_error=None)
                      .execution_options(synchronize_session=False))
            item_ids = sorted({r.announcement_id for r in rows})
            # a delivery is queued when ITS message (announcement, channel, message id) went out
            s.execute(update(Delivery).where(Delivery.announcement_id.in_(item_ids),
                                             Delivery.message_id.in_([r.message_id for r in rows]),
                                             Delivery.state == DeliveryState.PENDING)
                      .values(state=DeliveryState.QUEUED).execution_options(synchronize_session=False))
            left = dict(s.execute(select(OutboxRow.announcement_id, func.count())
                                  .where(OutboxRow.announcement_id.in_(item_ids),
                                         OutboxRow.published_at.is_(None))
                                  .group_by(OutboxRow.announcement_id)).all())
            moved = []
            ready = [i for i in item_ids if not left.get(i)]
            if ready:
                items = s.execute(select(Announcement).where(Announcement.id.in_(ready))
                                  .order_by(Announcement.id).with_for_update()).scalars().all()
                for item in items:
                    if item.state == State.APPROVED:
                        item.state = State.DISSEMINATING
                        audit.record(s, SYSTEM, "disseminating", item.id)
                        moved.append(item.id)
            return moved

    def mark_failed(self, row_id: int, error: str, backoff_seconds: float) -> None:
        """Leave a row for a later try (unroutable, nacked, connection lost)."""
        with self.ctx.tx() as s:
            row = s.get(OutboxRow, row_id)
            if row is None or row.published_at is not None:
                return
            row.attempts += 1
            row.last_error = error[:500]
            row.next_attempt_at = utcnow() + timedelta(seconds=backoff_seconds)

    def lag(self) -> float:
        """Seconds the oldest unpublished row has waited (0 when none)."""
        with self.ctx.read() as s:
            oldest = s.execute(select(func.min(OutboxRow.created_at))
                               .where(OutboxRow.published_at.is_(None))).scalar()
        if oldest is None:
            return 0.0
        from shared.timefmt import aware

        return max(0.0, (utcnow() - aware(oldest)).total_seconds())
