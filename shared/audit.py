"""The append-only audit trail: each event carries the hash of the one before it, and a one-row
head records the last, so an edited, deleted or out-of-band inserted row breaks the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import AuditEvent, AuditHead
from shared.timefmt import utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, actor: str, action: str, announcement_id: int | None,
            data: str) -> str:
    material = json.dumps([prev_hash, at, actor, action, announcement_id, data],
                          separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


def _at_text(event: AuditEvent) -> str:
    # microsecond ISO in UTC: the same text whichever database returns it
    return event.at.replace(tzinfo=None).isoformat(timespec="microseconds")


def record(session: Session, actor: str, action: str, announcement_id: int | None = None,
           **data: Any) -> AuditEvent:
    """Append an event in the caller's transaction (the head row lock serialises writers)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    event = AuditEvent(at=utcnow(), actor=actor, action=action, announcement_id=announcement_id,
                       data=payload, prev_hash=head.last_hash, hash="")
    event.hash = _digest(event.prev_hash, _at_text(event), actor, action, announcement_id, payload)
    session.add(event)
    session.flush()
    head.last_id, head.last_hash = event.id, event.hash
    return event


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`: ``ok`` and, when broken, the first bad event and why."""

    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""
    last_id: int = 0
    """The last event walked (0: an empty trail); with ``last_hash`` what a checkpoint signs."""
    last_hash: str = GENESIS


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the first event; report the first event that does not fit."""
    prev = GENESIS
    count = 0
    last_id = 0
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if event.prev_hash != prev:
            return VerifyResult(False, count, event.id, "rantai terputus: hash sebelumnya tidak cocok "
                                "(ada kejadian yang dihapus atau disisipkan)")
        expected = _digest(event.prev_hash, _at_text(event), event.actor, event.action,
                           event.announcement_id, event.data)
        if event.hash != expected:
            return VerifyResult(False, count, event.id, "isi kejadian diubah (hash tidak cocok)")
        prev, last_id = event.hash, event.id
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.last_id != last_id):
        return VerifyResult(False, count, last_id or None,
                            f"kejadian terakhir yang tercatat (#{head.last_id}) hilang atau diganti")
    # a chain that fits itself may still have been recomputed or cut with the head rewritten:
    # only the signed checkpoints (shared.checkpoints) tell that apart
    return VerifyResult(True, count, last_id=last_id, last_hash=prev)


def seal_events(session: Session, month: str | None = None) -> list[AuditEvent]:
    """The audited seals of the monthly archive (``archive_close``, ``archive_reseal``), oldest
    first; only those of ``month`` when given."""
    rows = session.execute(select(AuditEvent).where(
        AuditEvent.action.in_(SEAL_ACTIONS)).order_by(AuditEvent.id)).scalars()
    out = []
    for event in rows:
        try:
            data = json.loads(event.data)
        except ValueError:
            data = {}
        if month is None or data.get("month") == month:
            out.append(event)
    return out


SEAL_ACTIONS = ("archive_close", "archive_reseal")
