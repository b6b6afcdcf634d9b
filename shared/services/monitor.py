"""Read-side queries for the operators' monitor: per channel, what waits, what failed, what is
parked and when the last confirmation arrived. Counts only; no rows leave the database."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from shared.classification import Channel
from shared.models import Announcement, Delivery, OutboxRow, QueueMessage
from shared.timefmt import aware, utcnow
from shared.workflow import EXEMPT_READERS, State

SCREEN_SILENT = "Layar tidak melapor"
"""A videotron screen from which no proof-of-play report arrived for the configured minutes."""
SCREEN_REPORTING = "Melapor"
"""A screen whose player reported a slide recently."""

DONE_STATES = ("confirmed", "revoked", "superseded")
"""Delivery states that need nothing more from anyone: confirmed (a publication or ralat), revoked
(a confirmed pencabutan) and superseded (the channel already showed a newer version or the
revocation)."""
FAILED_STATES = ("failed", "retrying", "error")
"""Delivery states that mean at least one attempt failed and the delivery is not settled yet (the
backbone writes ``retrying``; the others are kept for rows written by older versions)."""
PARKED_STATES = ("parked",)
"""Delivery states that wait for a person (PPID re-drives them)."""
PROOF_PENDING_STATES = ("proof_pending",)
"""Delivery states the channel confirmed whose proof waits for the archive (disk full, I/O error,
archive disk not mounted): the archiver files them by itself once it can; no one re-drives them."""
PROOF_PENDING_LABEL = "Bukti tertunda"
"""The monitor's name for the ``proof_pending`` figure."""


def _endpoint_counts(endpoint: str, states: dict[str, int]) -> dict:
    """One named endpoint's figures, counted as the channel's are."""
    return {"endpoint": endpoint,
            "pending": sum(n for st, n in states.items() if st not in DONE_STATES + FAILED_STATES
                           + PARKED_STATES + PROOF_PENDING_STATES),
            "failed": sum(states.get(st, 0) for st in FAILED_STATES),
            "parked": sum(states.get(st, 0) for st in PARKED_STATES),
            "proof_pending": sum(states.get(st, 0) for st in PROOF_PENDING_STATES),
            "confirmed": states.get("confirmed", 0)}


class MonitorQueries:
    """Channel monitor queries (mixed into :class:`shared.services.Warta`)."""

    def channel_status(self, actor_id: int) -> list[dict]:
        """One row per channel: ``pending`` deliveries, ``queue_depth`` (unpublished outbox rows
        plus waiting embedded-transport messages of that channel), ``last_confirmed_at``,
        ``failed``, ``parked`` and ``proof_pending`` ("bukti tertunda": confirmed by the channel,
        proof not filed yet) counts; ``endpoints``: the same figures per named endpoint of the
        channel (each screen of ``WARTA_ENDPOINTS``). Any signed-in user may look; nothing is revealed beyond
        counts."""
        with self.read() as s:
            self._actor(s, actor_id)
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
                                    .where(QueueMessage.state.in_(("ready", "leased")))
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
                    "pending": sum(n for st, n in states.items()
                                   if st not in DONE_STATES + FAILED_STATES + PARKED_STATES
                                   + PROOF_PENDING_STATES),
                    "queue_depth": depth,
                    "last_confirmed_at": when.isoformat() if when else None,
                    "failed": sum(states.get(st, 0) for st in FAILED_STATES),
                    "parked": sum(states.get(st, 0) for st in PARKED_STATES),
                    # its own figure: neither waiting for the channel nor for a person
                    "proof_pending": sum(states.get(st, 0) for st in PROOF_PENDING_STATES),
                    "confirmed": states.get("confirmed", 0),
                    "endpoints": [_endpoint_counts(ep, counts) for (ch, ep), counts
                                  in sorted(per_endpoint.items()) if ch == channel],
                })
            return rows

    def state_counts(self, actor_id: int) -> dict[str, int]:
        """The same numbers as :meth:`count_by_state`, fast at 100,000 announcements: every
        announcement per state (an index-only count) minus the dikecualikan ones this user may
        not read (a small set, found through the klasifikasi index). ``count_by_state`` filters
        every row instead; a test keeps the two equal."""
        with self.read() as s:
            user = self._actor(s, actor_id)
            counts = {str(st): 0 for st in State}
            counts.update(dict(s.execute(select(Announcement.state, func.count())
                                         .group_by(Announcement.state)).all()))
            if user.role not in EXEMPT_READERS:
                hidden = s.execute(select(Announcement.state, func.count())
                                   .where(Announcement.klasifikasi == "dikecualikan",
                                          Announcement.author_id != user.id)
                                   .group_by(Announcement.state)).all()
                for state, n in hidden:
                    counts[state] -= n
            return counts

    def screen_status(self, actor_id: int, now: datetime | None = None,
                      silent_minutes: float | None = None) -> list[dict]:
        """One row per videotron screen that ever reported (the archiver keeps each screen's last
        proof-of-play report under ``$WARTA_HOME/screens``): ``screen``, ``host``,
        ``last_shown_at``, ``minutes`` since, ``silent`` and ``status`` ("Layar tidak melapor"
        after ``silent_minutes``, default ``WARTA_VIDEOTRON_SILENT_MINUTES``). Any signed-in
        user may look."""
        with self.read() as s:
            self._actor(s, actor_id)
        if silent_minutes is None:
            silent_minutes = self.settings.videotron_silent_minutes
        now = aware(now or utcnow())
        rows = []
        for path in sorted((self.settings.home / "screens").glob("*.json")):
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
