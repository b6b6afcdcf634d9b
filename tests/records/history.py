"""One announcement's history built through the services for the records tests: published, two
ralats, then revoked through a ralat; every receipt goes through the real ``record_receipt`` with
the archiver's own proof filer, so deliveries, proofs and archive folders are what production
leaves."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from shared.messages import Artifact, Kind, Outcome, Receipt
from shared.services.root import Services
from shared.timefmt import utcnow
from workers.archiver import Archiver

CHANNELS = ["web", "radio"]


@dataclass
class History:
    """The versions' ids (v1, v2, v3) and numbers, and the results of every receipt."""

    ids: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)


def approve_through_chain(w: Services, u: dict[str, int], item_id: int) -> str:
    """Submit and approve at every level; returns the number the Kepala Dinas gave."""
    w.review.submit(u["pelaksana1"], item_id)
    w.review.approve(u["kabid1"], item_id)
    w.review.approve(u["sekretaris1"], item_id)
    return w.review.approve(u["kadis1"], item_id)


def receipt(w: Services, item_id: int, channel: str, kind: str, outcome: Outcome,
            held_version: int = 0, attempt: int = 1, reason: str = "") -> Receipt:
    """The receipt a worker sends for this announcement's ``kind`` message to ``channel``, with a
    small proof file carried in it when the outcome files one."""
    item = w.queries.get_item(item_id)
    d = next(d for d in item["deliveries"] if d["channel"] == channel and d["kind"] == kind)
    files = []
    if outcome in (Outcome.CONFIRMED, Outcome.REVOKED):
        data = f"{item['number']}\n{channel}\n{kind}\n".encode()
        files = [Artifact(name=f"bukti-{channel}.txt", size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(),
                          data_b64=base64.b64encode(data).decode())]
    return Receipt(message_id=d["message_id"], announcement_id=item_id,
                   announcement_key=item["key"], number=item["number"], channel=channel,
                   kind=Kind(kind), outcome=outcome, version=item["version"] or 0,
                   held_version=held_version, attempt=attempt, reason=reason, artifacts=files,
                   at=utcnow(), host="uji-arsip")


class Recorder:
    """Applies receipts as the archiver does (real proof filer, real ``record_receipt``)."""

    def __init__(self, w: Services, history: History) -> None:
        self.w, self.history = w, history
        self.archiver = Archiver(w.ctx.settings, transport=None)  # only its proof filer is used

    def __call__(self, item_id: int, channel: str, kind: str, outcome: Outcome, **extra) -> str:
        result = self.w.ledger.record_receipt(receipt(self.w, item_id, channel, kind, outcome, **extra),
                                              self.archiver.file_proof)
        self.history.results.append(result)
        return result


def build(w: Services, u: dict[str, int], revoke: bool = True) -> History:
    """v1 published on web and radio; v2 (a ralat) confirmed on web, while radio, still pending,
    is overtaken by v3 (superseded); v3 confirmed on both; then (``revoke``) the Kepala Dinas
    revokes through v2's id and both channels confirm the pencabutan."""
    h = History()
    record = Recorder(w, h)
    v1 = w.drafting.create_item(u["pelaksana1"], title="Jadwal Pelayanan Keliling Adminduk",
                                body="Pelayanan keliling dibuka Senin pukul 08.00 di Kantor Camat.",
                                summary="Jadwal pelayanan keliling.", klasifikasi="berkala",
                                sasaran="masyarakat", channels=CHANNELS)
    h.numbers.append(approve_through_chain(w, u, v1))
    for ch in CHANNELS:
        record(v1, ch, "publish", Outcome.CONFIRMED)
    v2 = w.drafting.correct(u["pelaksana1"], v1,
                            body="Pelayanan keliling dibuka Selasa pukul 09.00 di Kantor Camat.")
    h.numbers.append(approve_through_chain(w, u, v2))
    record(v2, "web", "update", Outcome.CONFIRMED)
    v3 = w.drafting.correct(u["pelaksana1"], v2,
                            body="Pelayanan keliling dibuka Rabu pukul 09.00 di Aula Kantor Camat.")
    h.numbers.append(approve_through_chain(w, u, v3))
    for ch in CHANNELS:
        record(v3, ch, "update", Outcome.CONFIRMED)
    record(v2, "radio", "update", Outcome.SUPERSEDED, held_version=3)
    h.ids = [v1, v2, v3]
    if revoke:
        w.review.revoke(u["kadis1"], v2, "Pelayanan keliling dibatalkan")  # a ralat's id, not the newest
        for ch in CHANNELS:
            record(v3, ch, "revoke", Outcome.REVOKED)
    return h
