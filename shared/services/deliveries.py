"""Use-cases of the dissemination backbone: claiming and settling outbox rows (relay), recording
receipts (archiver), listing deliveries and re-driving parked ones (operators, PPID)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Callable

from sqlalchemy import func, select, update

from shared import audit
from shared.config import serves_endpoint
from shared.errors import InvalidInput, NotFound, Refused
from shared.messages import Kind, Outcome, Receipt
from shared.models import Announcement, Delivery, OutboxRow
from shared.timefmt import utcnow
from shared.workflow import Role, State

SYSTEM = "sistem"
"""The actor name of state moves the backbone makes."""
FINAL = {"confirmed", "revoked", "superseded"}
"""Delivery states that nothing changes any more (a late failure report after them is ignored)."""
PROOF_PENDING = "proof_pending"
"""The channel confirmed, but its proof could not be filed yet (archive disk full, I/O error,
archive mount missing): the archiver retries it on its own with backoff ("bukti tertunda")."""
DELIVERY_STATES = ("pending", "queued", "retrying", "parked", PROOF_PENDING, "confirmed",
                   "superseded", "revoked", "failed", "error")
"""Every state a delivery row may hold (``failed`` and ``error``: rows of older versions), for
``warta deliveries --state``: a misspelt state is refused instead of listing nothing."""


def _delivery_of(s, item_id: int, receipt: Receipt, lock: bool = False):  # noqa: ANN001, ANN202
    """The delivery a receipt reports on: the announcement's message of that kind to that channel
    (a publication or ralat and its revocation are separate deliveries) and, for a channel with
    named endpoints, to the endpoint whose message id the receipt carries. None when there is
    none; a delivery with another message id (so the receipt is stale) when none carries it."""
    stmt = select(Delivery).where(Delivery.announcement_id == item_id,
                                  Delivery.channel == str(receipt.channel),
                                  Delivery.kind == str(receipt.kind)).order_by(Delivery.id)
    found = s.execute(stmt.with_for_update() if lock else stmt).scalars().all()
    return next((d for d in found if d.message_id == receipt.message_id),
                found[0] if found else None)


def _proof_item(item: Announcement, d: Delivery):  # noqa: ANN202
    """What the proof filer is given: the announcement itself for an unnamed endpoint (as
    always), else its fields plus ``endpoint`` (the proof goes under ``<channel>/<endpoint>/``)."""
    if not d.endpoint:
        return item
    return SimpleNamespace(id=item.id, number=item.number, key=item.key, title=item.title,
                           endpoint=d.endpoint)


def target_label(channel: str, endpoint: str) -> str:
    """``videotron`` or ``videotron/lobby``: how audit entries name a delivery's target."""
    return f"{channel}/{endpoint}" if endpoint else channel

ProofFiler = Callable[[Announcement, Receipt], tuple[list[dict], str]]
"""Files a receipt's proof; returns (artifacts as stored, sha256 of the manifest)."""


class ProofError(Exception):
    """The proof in a receipt does not check out (e.g. a checksum mismatch)."""


class ProofDeferred(Exception):
    """The proof is sound but cannot be written now (an ``OSError`` of the archive: no space, I/O
    error, mount missing). Raised by a :data:`ProofFiler` before any change; the delivery becomes
    ``proof_pending`` and the archiver files the receipt again later."""


class DeliveryCommands:
    """Backbone use-cases (mixed into :class:`shared.services.Warta`)."""

    # -- relay -------------------------------------------------------------------------------------

    def claim_outbox(self, limit: int, lease_seconds: float) -> list[dict]:
        """Claim unpublished rows that are due (urgent first), hiding them from other relays for
        ``lease_seconds`` (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so several relays may run)."""
        now = utcnow()
        with self.tx() as s:
            stmt = (select(OutboxRow).where(OutboxRow.published_at.is_(None))
                    .where((OutboxRow.next_attempt_at.is_(None)) | (OutboxRow.next_attempt_at <= now))
                    .order_by(OutboxRow.priority.desc(), OutboxRow.id).limit(limit))
            if s.bind.dialect.name != "sqlite":
                stmt = stmt.with_for_update(skip_locked=True)
            rows = s.execute(stmt).scalars().all()
            for row in rows:
                row.next_attempt_at = now + timedelta(seconds=lease_seconds)
            return [{"id": r.id, "message_id": r.message_id, "channel": r.channel,
                     "endpoint": r.endpoint or "", "priority": r.priority, "payload": r.payload,
                     "kind": r.kind, "announcement_id": r.announcement_id} for r in rows]

    def outbox_published(self, row_ids: list[int]) -> list[int]:
        """Mark rows published (after the broker confirmed them); move announcements whose rows are
        all out from approved to disseminating. Returns those announcement ids. A few set-based
        statements per batch (not one per row): the relay holds the write lock briefly."""
        if not row_ids:
            return []
        now = utcnow()
        with self.tx() as s:
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
                                             Delivery.state == "pending")
                      .values(state="queued").execution_options(synchronize_session=False))
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

    def outbox_failed(self, row_id: int, error: str, backoff_seconds: float) -> None:
        """Leave a row for a later try (unroutable, nacked, connection lost)."""
        with self.tx() as s:
            row = s.get(OutboxRow, row_id)
            if row is None or row.published_at is not None:
                return
            row.attempts += 1
            row.last_error = error[:500]
            row.next_attempt_at = utcnow() + timedelta(seconds=backoff_seconds)

    def outbox_lag(self) -> float:
        """Seconds the oldest unpublished row has waited (0 when none)."""
        with self.read() as s:
            oldest = s.execute(select(func.min(OutboxRow.created_at))
                               .where(OutboxRow.published_at.is_(None))).scalar()
        if oldest is None:
            return 0.0
        from shared.timefmt import aware

        return max(0.0, (utcnow() - aware(oldest)).total_seconds())

    # -- archiver ----------------------------------------------------------------------------------

    def record_receipt(self, receipt: Receipt, file_proof: ProofFiler) -> str:
        """Apply a receipt to its delivery; returns ``applied``, ``duplicate``, ``stale`` (an older
        message of the channel), ``unknown`` (no such announcement or delivery), ``foreign`` (a
        named endpoint's message reported by another endpoint's worker) or ``deferred``
        (its proof could not be written now: the delivery is ``proof_pending`` and the caller
        files the receipt again later). Proof is filed inside the transaction, so a failure
        leaves the delivery unchanged."""
        with self.tx() as s:
            return self._apply_receipt(s, receipt, file_proof)

    def record_receipts(self, receipts: list[Receipt], file_proof: ProofFiler) -> list[str | ProofError]:
        """Apply several receipts in ONE transaction (the archiver's batch): one result per receipt,
        as :meth:`record_receipt`, or the :class:`ProofError` that rejected it. A rejected proof
        changes nothing in the database (it is raised before any change), so the others still
        count; any other error rolls the whole batch back and raises (the caller requeues it)."""
        results: list[str | ProofError] = []
        with self.tx() as s:
            for receipt in receipts:
                try:
                    results.append(self._apply_receipt(s, receipt, file_proof))
                except ProofError as exc:
                    results.append(exc)
        return results

    def receipts_to_file(self, receipts: list[Receipt]) -> list[SimpleNamespace | None]:
        """For each receipt, the announcement's fields its proof needs (id, number, key, title)
        when applying it now would file a proof, else None. A hint only: the archiver stages the
        proof before the write transaction, which decides again (:meth:`record_receipts`)."""
        out: list[SimpleNamespace | None] = []
        with self.read() as s:
            for r in receipts:
                item = s.get(Announcement, r.announcement_id)
                d = None if item is None or item.key != r.announcement_key else _delivery_of(
                    s, item.id, r)
                target = "revoked" if r.kind == Kind.REVOKE else "confirmed"
                files = (d is not None and d.message_id == r.message_id and d.state != target
                         and r.outcome in (Outcome.CONFIRMED, Outcome.REVOKED)
                         and serves_endpoint(r.worker, d.endpoint))
                out.append(SimpleNamespace(id=item.id, number=item.number, key=item.key,
                                           title=item.title, endpoint=d.endpoint)
                           if files else None)
        return out

    def _apply_receipt(self, s, receipt: Receipt, file_proof: ProofFiler) -> str:  # noqa: ANN001
        item = s.get(Announcement, receipt.announcement_id)
        if item is None or item.key != receipt.announcement_key:
            return "unknown"
        d = _delivery_of(s, item.id, receipt, lock=True)
        if d is None:
            return "unknown"
        if d.message_id != receipt.message_id:
            return "stale"
        if not serves_endpoint(receipt.worker, d.endpoint):
            return "foreign"  # signed by another screen's worker: not this screen's proof
        if (receipt.kind != Kind.REVOKE and receipt.version and item.version
                and receipt.version != item.version):
            return "stale"  # a receipt must report the version this delivery carries
        if receipt.outcome == Outcome.SUPERSEDED or (receipt.outcome == Outcome.REVOKED
                                                     and receipt.kind != Kind.REVOKE):
            # the channel already shows a newer version (or the revocation): nothing of this
            # message reached the public, so it is final but never 'confirmed'
            if d.state in FINAL:
                return "duplicate"
            d.state, d.last_error = "superseded", receipt.reason
            d.attempts, d.next_attempt_at = max(d.attempts, receipt.attempt), None
            audit.record(s, SYSTEM, "delivery_superseded", item.id,
                         channel=target_label(d.channel, d.endpoint),
                         version=receipt.version, held_version=receipt.held_version)
            self._settle_item(s, item)
            return "applied"
        if receipt.outcome in (Outcome.CONFIRMED, Outcome.REVOKED):
            target = "revoked" if receipt.kind == Kind.REVOKE else "confirmed"
            if d.state == target:
                return "duplicate"
            try:
                # raises ProofError before any change
                artifacts, digest = file_proof(_proof_item(item, d), receipt)
            except ProofDeferred as exc:
                return self._defer_proof(s, item, d, receipt, exc)
            d.state, d.confirmed_at, d.artifacts, d.sha256 = target, receipt.at, artifacts, digest
            d.attempts, d.last_error, d.next_attempt_at = max(d.attempts, receipt.attempt), None, None
            self._settle_item(s, item)
            return "applied"
        if d.state in FINAL or d.state == PROOF_PENDING:
            # a late failure report after success changes nothing (proof_pending: the channel
            # confirmed; only the filing of its proof waits)
            return "duplicate"
        state = "parked" if receipt.outcome == Outcome.PARKED else "retrying"
        if d.state == state and d.attempts == receipt.attempt and d.last_error == receipt.reason:
            return "duplicate"
        d.state, d.attempts, d.last_error = state, receipt.attempt, receipt.reason
        audit.record(s, SYSTEM, f"delivery_{state}", item.id,
                     channel=target_label(d.channel, d.endpoint), reason=receipt.reason)
        return "applied"

    @staticmethod
    def _defer_proof(s, item: Announcement, d: Delivery, receipt: Receipt,  # noqa: ANN001
                     exc: ProofDeferred) -> str:
        """The channel confirmed but the proof could not be filed: the delivery shows
        ``proof_pending`` with the reason; audited once per episode, not at every retry."""
        reason = f"Bukti belum dapat diarsipkan: {exc}"[:500]
        if d.state != PROOF_PENDING:
            d.state = PROOF_PENDING
            audit.record(s, SYSTEM, "delivery_proof_pending", item.id,
                         channel=target_label(d.channel, d.endpoint),
                         message_id=receipt.message_id, reason=reason)
        d.last_error = reason
        d.attempts = max(d.attempts, receipt.attempt)
        return "deferred"

    def _settle_item(self, s, item: Announcement) -> None:  # noqa: ANN001
        deliveries = s.execute(select(Delivery).where(Delivery.announcement_id == item.id)).scalars().all()
        published = [d for d in deliveries if d.kind != "revoke"]
        revocations = [d for d in deliveries if d.kind == "revoke"]
        if item.state in (State.APPROVED, State.DISSEMINATING):
            # superseded is settled too: a newer version (or the revocation) is on that channel
            if all(d.state in ("confirmed", "superseded") for d in published):
                item.state = State.DISSEMINATED
                self._close_step(s, item, None, "disseminated")
                audit.record(s, SYSTEM, "disseminated", item.id, channels=sorted(
                    target_label(d.channel, d.endpoint) for d in published))
        elif (item.state == State.REVOKED and revocations
              and all(d.state == "revoked" for d in revocations)):
            audit.record(s, SYSTEM, "revoke_confirmed", item.id,
                         channels=sorted(target_label(d.channel, d.endpoint) for d in revocations))

    # -- operators ---------------------------------------------------------------------------------

    def list_deliveries(self, state: str | None = None, limit: int = 500) -> list[dict]:
        """Deliveries (newest first) with their announcement's number and title."""
        with self.read() as s:
            stmt = (select(Delivery, Announcement.number, Announcement.title, Announcement.state)
                    .join(Announcement, Announcement.id == Delivery.announcement_id)
                    .order_by(Delivery.id.desc()).limit(limit))
            if state:
                if state not in DELIVERY_STATES:
                    raise InvalidInput("Status pengiriman '{state}' tidak dikenal; pilihan: {choices}",
                                  state=state, choices=", ".join(DELIVERY_STATES))
                stmt = stmt.where(Delivery.state == state)
            return [{"id": d.id, "announcement_id": d.announcement_id, "number": number,
                     "title": title, "announcement_state": item_state, "channel": d.channel,
                     "endpoint": d.endpoint or "", "state": d.state, "kind": d.kind,
                     "message_id": d.message_id,
                     "attempts": d.attempts, "last_error": d.last_error,
                     "artifacts": [a.get("name") for a in d.artifacts or []], "sha256": d.sha256,
                     "confirmed_at": d.confirmed_at.isoformat() if d.confirmed_at else None}
                    for d, number, title, item_state in s.execute(stmt)]

    def parked_deliveries(self, delivery_id: int | None = None) -> list[dict]:
        """The parked delivery ``delivery_id`` (refused when it is not parked), or every parked one."""
        with self.read() as s:
            if delivery_id is not None:
                d = s.get(Delivery, delivery_id)
                if d is None:
                    raise NotFound("Pengiriman #{id} tidak ditemukan", id=delivery_id)
                if d.state != "parked":
                    raise Refused("Pengiriman #{id} tidak diparkir (status: {state})", id=d.id,
                                  state=d.state)
                found = [d]
            else:
                found = s.execute(select(Delivery).where(Delivery.state == "parked")).scalars().all()
            return [{"id": d.id, "message_id": d.message_id, "channel": d.channel,
                     "endpoint": d.endpoint or "", "announcement_id": d.announcement_id}
                    for d in found]

    def check_may_redrive(self, actor_id: int) -> None:
        """Refuse unless ``actor_id`` is the PPID: called before a parked message is moved, and
        again by :meth:`mark_redriven` in its transaction."""
        with self.read() as s:
            self._require_redriver(self._actor(s, actor_id))

    @staticmethod
    def _require_redriver(user) -> None:  # noqa: ANN001 - User
        if user.role != Role.PPID:
            raise Refused("Hanya PPID yang dapat mengirim ulang pesan yang diparkir")

    def mark_redriven(self, message_ids: list[str], actor_id: int | None = None) -> int:
        """Record that parked messages went back to their queue (PPID in the kiosk; ``actor_id``
        None is the operator's CLI). Returns the deliveries changed."""
        with self.tx() as s:
            actor = SYSTEM + ":operator"
            if actor_id is not None:
                user = self._actor(s, actor_id)
                self._require_redriver(user)
                actor = user.username
            changed = 0
            for d in s.execute(select(Delivery).where(Delivery.message_id.in_(message_ids),
                                                      Delivery.state == "parked")).scalars():
                d.state, d.last_error = "queued", None
                audit.record(s, actor, "redrive", d.announcement_id,
                             channel=target_label(d.channel, d.endpoint),
                             message_id=d.message_id)
                changed += 1
            return changed


__all__ = ["DELIVERY_STATES", "PROOF_PENDING", "DeliveryCommands", "ProofDeferred", "ProofError",
           "SYSTEM", "serves_endpoint", "target_label"]
