"""The archiver's side: apply the workers' signed receipts to their deliveries, file the proof of
publication, settle the announcement when every channel is done."""

from __future__ import annotations

from enum import StrEnum
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import select

from shared import audit
from shared.messages import Kind, Outcome, Receipt
from shared.models import Announcement, Delivery
from shared.services import steps
from shared.services.context import Service
from shared.services.deliveries import (SYSTEM, ProofDeferred, ProofError, ProofFiler, delivery_of,
                                        proof_item, target_label)
from shared.settings.endpoints import serves_endpoint
from shared.vocab import DELIVERY_FINAL, Decision, DeliveryState
from shared.workflow import State


class ReceiptResult(StrEnum):
    """What applying one receipt did (the archiver logs it and acts on ``deferred``)."""

    APPLIED = "applied"
    """The delivery moved (confirmed, revoked, superseded, retrying, parked)."""
    DUPLICATE = "duplicate"
    """Already applied (a redelivered receipt), or a late failure after a final state."""
    STALE = "stale"
    """About an older message of the channel, or another version than the delivery carries."""
    UNKNOWN = "unknown"
    """No such announcement or delivery."""
    FOREIGN = "foreign"
    """A named endpoint's message reported by another endpoint's worker."""
    DEFERRED = "deferred"
    """Its proof could not be written now: the delivery is ``proof_pending``; file it again later."""
    REJECTED = "rejected"
    """Its proof does not check out (a :class:`ProofError`: a checksum mismatch, a bad file name);
    nothing changed."""


class Applied(NamedTuple):
    """What applying one receipt of a batch did, and why when it was rejected."""

    result: ReceiptResult
    reason: str = ""


class ReceiptLedger(Service):
    """Receipts in, proofs filed, deliveries and announcements settled."""

    def record_receipt(self, receipt: Receipt, file_proof: ProofFiler) -> ReceiptResult:
        """Apply a receipt to its delivery; returns ``applied``, ``duplicate``, ``stale`` (an older
        message of the channel), ``unknown`` (no such announcement or delivery), ``foreign`` (a
        named endpoint's message reported by another endpoint's worker) or ``deferred``
        (its proof could not be written now: the delivery is ``proof_pending`` and the caller
        files the receipt again later). Proof is filed inside the transaction, so a failure
        leaves the delivery unchanged."""
        with self.ctx.tx() as s:
            return self._apply_receipt(s, receipt, file_proof)

    def record_receipts(self, receipts: list[Receipt], file_proof: ProofFiler) -> list[Applied]:
        """Apply several receipts in ONE transaction (the archiver's batch): one result per receipt,
        as :meth:`record_receipt`, or ``rejected`` with the reason when its proof does not check
        out. A rejected proof changes nothing in the database (it is refused before any change),
        so the others still count; any other error rolls the whole batch back and raises (the
        caller requeues it)."""
        results: list[Applied] = []
        with self.ctx.tx() as s:
            for receipt in receipts:
                try:
                    results.append(Applied(self._apply_receipt(s, receipt, file_proof)))
                except ProofError as exc:
                    results.append(Applied(ReceiptResult.REJECTED, str(exc)))
        return results

    def receipts_to_file(self, receipts: list[Receipt]) -> list[SimpleNamespace | None]:
        """For each receipt, the announcement's fields its proof needs (id, number, key, title)
        when applying it now would file a proof, else None. A hint only: the archiver stages the
        proof before the write transaction, which decides again (:meth:`record_receipts`)."""
        out: list[SimpleNamespace | None] = []
        with self.ctx.read() as s:
            for r in receipts:
                item = s.get(Announcement, r.announcement_id)
                d = None if item is None or item.key != r.announcement_key else delivery_of(
                    s, item.id, r)
                target = DeliveryState.REVOKED if r.kind == Kind.REVOKE else DeliveryState.CONFIRMED
                files = (item is not None and d is not None and d.message_id == r.message_id
                         and d.state != target
                         and r.outcome in (Outcome.CONFIRMED, Outcome.REVOKED)
                         and serves_endpoint(r.worker, d.endpoint))
                out.append(SimpleNamespace(id=item.id, number=item.number, key=item.key,
                                           title=item.title, endpoint=d.endpoint)
                           if files and item is not None and d is not None else None)
        return out

    def _apply_receipt(self, s, receipt: Receipt, file_proof: ProofFiler) -> ReceiptResult:  # noqa: ANN001
        item = s.get(Announcement, receipt.announcement_id)
        if item is None or item.key != receipt.announcement_key:
            return ReceiptResult.UNKNOWN
        d = delivery_of(s, item.id, receipt, lock=True)
        if d is None:
            return ReceiptResult.UNKNOWN
        if d.message_id != receipt.message_id:
            return ReceiptResult.STALE
        if not serves_endpoint(receipt.worker, d.endpoint):
            return ReceiptResult.FOREIGN  # signed by another screen's worker: not this screen's proof
        if (receipt.kind != Kind.REVOKE and receipt.version and item.version
                and receipt.version != item.version):
            return ReceiptResult.STALE  # a receipt must report the version this delivery carries
        if receipt.outcome == Outcome.SUPERSEDED or (receipt.outcome == Outcome.REVOKED
                                                     and receipt.kind != Kind.REVOKE):
            # the channel already shows a newer version (or the revocation): nothing of this
            # message reached the public, so it is final but never 'confirmed'
            if d.state in DELIVERY_FINAL:
                return ReceiptResult.DUPLICATE
            d.state, d.last_error = DeliveryState.SUPERSEDED, receipt.reason
            d.attempts, d.next_attempt_at = max(d.attempts, receipt.attempt), None
            audit.record(s, SYSTEM, "delivery_superseded", item.id,
                         channel=target_label(d.channel, d.endpoint),
                         version=receipt.version, held_version=receipt.held_version)
            self._settle_item(s, item)
            return ReceiptResult.APPLIED
        if receipt.outcome in (Outcome.CONFIRMED, Outcome.REVOKED):
            target = DeliveryState.REVOKED if receipt.kind == Kind.REVOKE else DeliveryState.CONFIRMED
            if d.state == target:
                return ReceiptResult.DUPLICATE
            try:
                # raises ProofError before any change
                artifacts, digest = file_proof(proof_item(item, d), receipt)
            except ProofDeferred as exc:
                return self._defer_proof(s, item, d, receipt, exc)
            d.state, d.confirmed_at, d.artifacts, d.sha256 = target, receipt.at, artifacts, digest
            d.attempts, d.last_error, d.next_attempt_at = max(d.attempts, receipt.attempt), None, None
            self._settle_item(s, item)
            return ReceiptResult.APPLIED
        if d.state in DELIVERY_FINAL or d.state == DeliveryState.PROOF_PENDING:
            # a late failure report after success changes nothing (proof_pending: the channel
            # confirmed; only the filing of its proof waits)
            return ReceiptResult.DUPLICATE
        state = DeliveryState.PARKED if receipt.outcome == Outcome.PARKED else DeliveryState.RETRYING
        if d.state == state and d.attempts == receipt.attempt and d.last_error == receipt.reason:
            return ReceiptResult.DUPLICATE
        d.state, d.attempts, d.last_error = state, receipt.attempt, receipt.reason
        audit.record(s, SYSTEM, f"delivery_{state}", item.id,
                     channel=target_label(d.channel, d.endpoint), reason=receipt.reason)
        return ReceiptResult.APPLIED

    @staticmethod
    def _defer_proof(s, item: Announcement, d: Delivery, receipt: Receipt,  # noqa: ANN001
                     exc: ProofDeferred) -> ReceiptResult:
        """The channel confirmed but the proof could not be filed: the delivery shows
        ``proof_pending`` with the reason; audited once per episode, not at every retry."""
        reason = f"Bukti belum dapat diarsipkan: {exc}"[:500]
        if d.state != DeliveryState.PROOF_PENDING:
            d.state = DeliveryState.PROOF_PENDING
            audit.record(s, SYSTEM, "delivery_proof_pending", item.id,
                         channel=target_label(d.channel, d.endpoint),
                         message_id=receipt.message_id, reason=reason)
        d.last_error = reason
        d.attempts = max(d.attempts, receipt.attempt)
        return ReceiptResult.DEFERRED

    def _settle_item(self, s, item: Announcement) -> None:  # noqa: ANN001
        deliveries = s.execute(select(Delivery).where(Delivery.announcement_id == item.id)).scalars().all()
        published = [d for d in deliveries if d.kind != Kind.REVOKE]
        revocations = [d for d in deliveries if d.kind == Kind.REVOKE]
        if item.state in (State.APPROVED, State.DISSEMINATING):
            # superseded is settled too: a newer version (or the revocation) is on that channel
            if all(d.state in (DeliveryState.CONFIRMED, DeliveryState.SUPERSEDED) for d in published):
                item.state = State.DISSEMINATED
                steps.close_step(s, item, None, Decision.DISSEMINATED)
                audit.record(s, SYSTEM, "disseminated", item.id, channels=sorted(
                    target_label(d.channel, d.endpoint) for d in published))
        elif (item.state == State.REVOKED and revocations
              and all(d.state == DeliveryState.REVOKED for d in revocations)):
            audit.record(s, SYSTEM, "revoke_confirmed", item.id,
                         channels=sorted(target_label(d.channel, d.endpoint) for d in revocations))
