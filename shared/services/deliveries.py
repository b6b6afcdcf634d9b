"""What the backbone's services share: delivery states, the proof filer's contract, and how a
receipt finds its delivery. The services are :mod:`~shared.services.outbox` (relay),
:mod:`~shared.services.ledger` (archiver) and :mod:`~shared.services.redrive` (operators, PPID)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable

from sqlalchemy import select

from shared.errors import Refused
from shared.messages import Receipt
from shared.models import Announcement, Delivery, User
from shared.settings.endpoints import serves_endpoint
from shared.workflow import Role

SYSTEM = "sistem"
"""The actor name of state moves the backbone makes."""


def delivery_of(s, item_id: int, receipt: Receipt, lock: bool = False):  # noqa: ANN001, ANN202
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


def proof_item(item: Announcement, d: Delivery):  # noqa: ANN202
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


def require_redriver(user: User) -> None:
    """Only the PPID re-drives parked messages from the kiosk."""
    if user.role != Role.PPID:
        raise Refused("Hanya PPID yang dapat mengirim ulang pesan yang diparkir")


__all__ = ["ProofDeferred", "ProofError", "ProofFiler",
           "SYSTEM", "require_redriver", "serves_endpoint", "target_label"]
