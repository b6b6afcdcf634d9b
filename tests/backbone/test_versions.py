"""Channels apply versions monotonically (docs/BACKBONE.md, "History"): the worker renders a message
only when its public version is newer than the one the channel holds; an older or equal version,
or a publication after the revocation, is answered ``superseded`` and the archiver records that
(never ``confirmed``). The messages are the real signed ones the approvals wrote to the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from shared.messages import Envelope, Kind, Outcome, Receipt, load_private_key, new_envelope
from shared.models import OutboxRow
from tests.domain.helpers import to_state
from workers.transport import Incoming

REC = "tests.backbone.renderers:RecordingRenderer"


def _messages(home, item_id: int) -> dict[str, bytes]:  # noqa: ANN001
    """The outbox messages of one announcement, by kind."""
    with home.w.ctx.read() as s:
        rows = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item_id,
                                                 OutboxRow.channel == "web")).scalars().all()
        return {r.kind: r.payload.encode() for r in rows}


def _deliver(worker, body: bytes) -> Receipt:  # noqa: ANN001
    message_id = json.loads(body)["message_id"]
    settled = worker.handle(Incoming(body=body, headers={}, message_id=message_id, priority=1,
                                     deliveries=0, queue="web"))
    return Receipt.model_validate_json(settled.receipt)


def _state(home, item_id: int, kind: str) -> str:  # noqa: ANN001
    return next(d["state"] for d in home.deliveries(item_id) if d["kind"] == kind)


def test_an_older_version_after_a_newer_one_is_superseded_never_confirmed(home) -> None:
    from workers.archiver import Archiver
    from workers.runtime import ChannelWorker
    from workers.transport import make_transport

    v1 = home.approve("Jadwal vaksinasi", "web")
    home.w.ids = home.ids
    v2 = home.w.drafting.correct(home.ids["pelaksana1"], v1, body="Jadwal vaksinasi diundur ke Jumat.")
    to_state(home.w, v2, "approved")
    first, ralat = _messages(home, v1)["publish"], _messages(home, v2)["update"]
    worker = ChannelWorker(home.settings, home.bb(), "web", REC)
    archiver = Archiver(home.settings, make_transport(home.settings, home.bb()))

    newer = _deliver(worker, ralat)  # the ralat overtook the original (a retry, an urgent queue)
    older = _deliver(worker, first)
    assert (newer.outcome, newer.version) == (Outcome.CONFIRMED, 2)
    assert (older.outcome, older.version, older.held_version) == (Outcome.SUPERSEDED, 1, 2)
    assert not older.artifacts
    renders = (home.settings.out / "renders.log").read_text().splitlines()
    assert len(renders) == 1 and "update" in renders[0]  # version 1 was never rendered

    for receipt in (newer, older):
        assert home.w.ledger.record_receipt(receipt, archiver.file_proof) == "applied"
    assert _state(home, v2, "update") == "confirmed"
    assert _state(home, v1, "publish") == "superseded"
    assert home.w.queries.get_item(v1)["state"] == "disseminated"  # settled: nothing left to do
    assert home.w.ledger.record_receipt(older, archiver.file_proof) == "duplicate"

    home.w.review.revoke(home.ids["kadis1"], v1, "Vaksinasi dibatalkan")
    revoke = _deliver(worker, _messages(home, v2)["revoke"])
    assert (revoke.outcome, revoke.version) == (Outcome.REVOKED, 3)
    # a genuine publication of version 2 sent again under a new id (a relay's second copy)
    resent = new_envelope(Kind.UPDATE, "web", Envelope.model_validate_json(ralat).announcement,
                          str(uuid.uuid4()), timedelta(hours=1),
                          load_private_key(home.settings.signing_key_path))
    again = _deliver(worker, resent.to_wire())
    assert (again.outcome, again.held_version) == (Outcome.SUPERSEDED, 3)
    assert len((home.settings.out / "renders.log").read_text().splitlines()) == 2
