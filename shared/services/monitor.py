"""Read-side queries for the operators' monitor: per channel, what waits, what failed, what is
parked and when the last confirmation arrived; and, by name, the deliveries that wait for a person
(parked) or for the archive (proof pending), so the monitor and the "Perlu tindakan" list can open
each of them."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, or_, select

from shared.classification import Channel, Klasifikasi
from shared.i18n import N_
from shared.models import Announcement, Delivery, OutboxRow, QueueMessage
from shared.services.context import Service
from shared.timefmt import aware, utcnow
from shared.vocab import DeliveryState, QueueState
from shared.workflow import EXEMPT_READERS, State

SCREEN_SILENT = N_("Layar tidak melapor")
"""A videotron screen from which no proof-of-play report arrived for the configured minutes."""
SCREEN_REPORTING = N_("Melapor")
"""A screen whose player reported a slide recently."""

MONITOR_COLUMN: dict[DeliveryState, str | None] = {
    DeliveryState.PENDING: "pending", DeliveryState.QUEUED: "pending",
    DeliveryState.RETRYING: "failed",  # at least one attempt failed; not settled yet
    DeliveryState.PARKED: "parked",  # waits for a person (the PPID re-drives it)
    # the channel confirmed; the proof waits for the archive, which files it by itself
    DeliveryState.PROOF_PENDING: "proof_pending",
    DeliveryState.CONFIRMED: "confirmed",
    # settled, nothing more from anyone: a confirmed pencabutan, or a newer version was there
    DeliveryState.REVOKED: None, DeliveryState.SUPERSEDED: None,
}
"""The monitor's column of every delivery state (None: settled, not counted); total over
:class:`DeliveryState` (``tests/domain/test_vocab.py``)."""
FIGURES = ("pending", "failed", "parked", "proof_pending", "confirmed")
"""The monitor's figures per channel and endpoint."""


def figures(states: dict[str, int]) -> dict[str, int]:
    """Counts of delivery states (as stored) as the monitor's figures, by :data:`MONITOR_COLUMN`."""
    out = dict.fromkeys(FIGURES, 0)
    for state, n in states.items():
        column = MONITOR_COLUMN[DeliveryState(state)]
        if column is not None:
            out[column] += n
    return out


def _endpoint_counts(endpoint: str, states: dict[str, int]) -> dict:
    """One named endpoint's figures, counted as the channel's are."""
    return {"endpoint": endpoint, **figures(states)}


class Monitor(Service):
    """What the channels and screens are doing, for the monitor."""

    def channel_status(self, actor_id: int) -> list[dict]:
        """One row per channel: ``pending`` deliveries, ``queue_depth`` (unpublished outbox rows
        plus waiting embedded-transport messages of that channel), ``last_confirmed_at``,
        ``failed``, ``parked`` and ``proof_pending`` ("bukti tertunda": confirmed by the channel,
        proof not filed yet) counts; ``endpoints``: the same figures per named endpoint of the
        channel (each screen of ``WARTA_ENDPOINTS``). Any signed-in user may look; nothing is revealed beyond
        counts."""
        with self.ctx.read() as s:
            self.ctx.actor(s, actor_id)
            by_state: dict[tuple[str, str], int] = {
                (ch, st): n for ch, st, n in s.execute(
                    select(Delivery.channel, Delivery.state, func.count())
                    .group_by(Delivery.channel, Delivery.state))}
            last = dict(s.execute(select(Delivery.channel, func.max(Delivery.confirmed_at))
                                  .group_by(Delivery.channel)).all())
            # per named endpoint (a screen or station of its own): each waits on its own
            per_endpoint: dict[tuple[str, str], dict[str, int]] = {}
            for ch, ep, st, n in s.execute(
                    select(Delivery.channel, Delivery.endpoint, Delivery.state, func.count())
                    .where(Delivery.endpoint != "")
                    .group_by(Delivery.channel, Delivery.endpoint, Delivery.state)):
                per_endpoint.setdefault((ch, ep), {})[st] = n
            outbox = dict(s.execute(select(OutboxRow.channel, func.count())
                                    .where(OutboxRow.published_at.is_(None))
                                    .group_by(OutboxRow.channel)).all())
            queues = dict(s.execute(select(QueueMessage.queue, func.count())
                                    .where(QueueMessage.state.in_((QueueState.READY, QueueState.LEASED)))
                                    .group_by(QueueMessage.queue)).all())
            rows = []
            for channel in Channel:
                states = {st: n for (ch, st), n in by_state.items() if ch == channel}
                # the embedded transport names queues after the channel ("warta.radio",
                # "warta.radio.urgent"); parked messages are counted as parked, not as depth
                depth = outbox.get(channel, 0) + sum(
                    n for q, n in queues.items() if channel.value in q.split("."))
                when = last.get(channel)
                rows.append({
                    "channel": channel.value,
                    **figures(states),
                    "queue_depth": depth,
                    "last_confirmed_at": when.isoformat() if when else None,
                    "endpoints": [_endpoint_counts(ep, counts) for (ch, ep), counts
                                  in sorted(per_endpoint.items()) if ch == channel],
                })
            return rows

    def state_counts(self, actor_id: int) -> dict[str, int]:
        """The same numbers as :meth:`count_by_state`, fast at 100,000 announcements: every
        announcement per state (an index-only count) minus the dikecualikan ones this user may
        not read (a small set, found through the klasifikasi index). ``count_by_state`` filters
        every row instead; a test keeps the two equal."""
        with self.ctx.read() as s:
            user = self.ctx.actor(s, actor_id)
            counts = {str(st): 0 for st in State}
            counts.update(dict(s.execute(select(Announcement.state, func.count())
                                         .group_by(Announcement.state)).all()))
            if user.role not in EXEMPT_READERS:
                hidden = s.execute(select(Announcement.state, func.count())
                                   .where(Announcement.klasifikasi == Klasifikasi.DIKECUALIKAN,
                                          Announcement.author_id != user.id)
                                   .group_by(Announcement.state)).all()
                for state, n in hidden:
                    counts[state] -= n
            return counts

    def named_deliveries(self, actor_id: int, state: DeliveryState = DeliveryState.PARKED,
                         limit: int = 200) -> list[dict]:
        """The deliveries in ``state`` (parked, or proof pending) with what names them: ``id``,
        ``announcement_id``, ``number``, ``title``, ``item_state``, ``channel``, ``endpoint``,
        ``kind``, ``reason`` (the worker's last error), ``attempts``; oldest first, one query.
        Any signed-in user may look (a dikecualikan item, never announced, has no deliveries;
        it is left out for those who may not read it all the same)."""
        with self.ctx.read() as s:
            user = self.ctx.actor(s, actor_id)
            stmt = (select(Delivery.id, Delivery.announcement_id, Delivery.channel,
                           Delivery.endpoint, Delivery.kind, Delivery.last_error,
                           Delivery.attempts, Announcement.number, Announcement.title,
                           Announcement.state)
                    .join(Announcement, Announcement.id == Delivery.announcement_id)
                    .where(Delivery.state == DeliveryState(state))
                    .order_by(Delivery.id).limit(limit))
            if user.role not in EXEMPT_READERS:
                stmt = stmt.where(or_(Announcement.klasifikasi != Klasifikasi.DIKECUALIKAN,
                                      Announcement.author_id == user.id))
            return [{"id": r.id, "announcement_id": r.announcement_id, "number": r.number,
                     "title": r.title, "item_state": r.state, "channel": r.channel,
                     "endpoint": r.endpoint or "", "kind": r.kind, "reason": r.last_error or "",
                     "attempts": r.attempts} for r in s.execute(stmt)]

    def screen_status(self, actor_id: int, now: datetime | None = None,
                      silent_minutes: float | None = None) -> list[dict]:
        """One row per videotron screen that ever reported (the archiver keeps each screen's last
        proof-of-play report under ``$WARTA_HOME/screens``): ``screen``, ``host``,
        ``last_shown_at``, ``minutes`` since, ``silent`` and ``status`` ("Layar tidak melapor"
        after ``silent_minutes``, default ``WARTA_VIDEOTRON_SILENT_MINUTES``). Any signed-in
        user may look."""
        with self.ctx.read() as s:
            self.ctx.actor(s, actor_id)
        if silent_minutes is None:
            silent_minutes = self.ctx.settings.videotron.silent_minutes
        now = aware(now or utcnow())
        rows = []
        for path in sorted((self.ctx.settings.home / "screens").glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # being replaced (atomic rename) or damaged: the next refresh shows it
            last = aware(datetime.fromisoformat(data["last_shown_at"])) \
                if data.get("last_shown_at") else None
            minutes = (now - last).total_seconds() / 60 if last else None
            silent = minutes is None or minutes >= silent_minutes
            rows.append({"screen": data.get("screen", path.stem), "host": data.get("host", ""),
                         "last_shown_at": last.isoformat() if last else None,
                         "minutes": round(minutes, 1) if minutes is not None else None,
                         "silent": silent,
                         "status": SCREEN_SILENT if silent else SCREEN_REPORTING})
        return rows
