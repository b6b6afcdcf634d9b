"""Paper is printed at most once without a person's decision (docs/BACKBONE.md): the relay's
duplicate publish meets a print job that may already be on paper (the worker was killed while
``lp`` spooled copy 1). Every copy is parked "mungkin sudah tercetak" and nothing is printed; a
redrive (the PPID's decision, a one-time token) prints it exactly once; a crash during that
re-print does not print again without a new decision. Over both transports."""

from __future__ import annotations

import json

from sqlalchemy import select

from shared.models import OutboxRow
from tests.backbone.conftest import wait_until
from workers.inbox import Inbox
from workers.inprocess import start_all
from workers.transport import ATTEMPT, CHANNEL, REDRIVEN, Incoming, make_transport

PAPER = "tests.backbone.renderers:PaperRenderer"


def _prints(home) -> list[str]:  # noqa: ANN001
    log = home.settings.out / "renders.log"
    return log.read_text().splitlines() if log.exists() else []


def test_a_job_that_may_have_printed_is_never_printed_again_without_a_decision(home) -> None:
    item = home.approve("Pengumuman papan", "print")
    relay = start_all(home.settings, channels=[], bb=home.bb(), archiver=False)
    try:
        wait_until(lambda: home.w.outbox.lag() == 0.0, 30, what="published once")
    finally:
        relay.stop()
    with home.w.ctx.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalar_one()
        body, message_id, priority = row.payload.encode(), row.message_id, row.priority
    key = json.loads(body)["announcement"]["key"]
    # copy 1 was spooling when the worker was killed: its inbox says 'started'
    inbox = Inbox(home.bb().state_dir(home.settings, "print") / "inbox.db")
    inbox.mark("print", message_id, key, "started")
    inbox.close()
    t = make_transport(home.settings, home.bb())
    t.publish_dispatch("print", body, message_id, priority, {CHANNEL: "print"})  # the relay's 2nd copy

    handle = start_all(home.settings, channels=["print"], renderer_override=PAPER, bb=home.bb(),
                       relay=False)
    try:
        wait_until(lambda: len([p for p in t.parked() if p["message_id"] == message_id]) == 2, 60,
                   what="both copies parked")
        wait_until(lambda: home.delivery_state(item, "print") == "parked", 30, what="parked")
        assert _prints(home) == []  # nothing went to the printer a second time
        assert all(p["code"] == "maybe_done" for p in t.parked() if p["message_id"] == message_id)

        assert sorted(t.redrive({message_id})) == [message_id, message_id]  # the PPID decided
        wait_until(lambda: home.delivery_state(item, "print") == "confirmed", 60, what="printed")
        wait_until(lambda: not [p for p in t.parked() if p["message_id"] == message_id], 30,
                   what="the second redriven copy absorbed")
    finally:
        handle.stop()
        t.close()
    assert len(_prints(home)) == 1  # exactly one job for two copies and one decision


def test_a_crash_during_a_reprint_needs_a_new_decision(home) -> None:
    from workers.runtime import ChannelWorker

    item = home.approve("Cetak ulang", "print")
    with home.w.ctx.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalar_one()
    key = json.loads(row.payload)["announcement"]["key"]
    worker = ChannelWorker(home.settings, home.bb(), "print", PAPER)
    worker.inbox.mark("print", row.message_id, key, "maybe_done")
    assert worker.inbox.use_decision("print", row.message_id, "keputusan-1")  # spent, then crash

    def deliver(token: object) -> bool:
        headers = {ATTEMPT: 0, **({REDRIVEN: token} if token is not None else {})}
        settled = worker.handle(Incoming(body=row.payload.encode(), headers=headers,
                                         message_id=row.message_id, priority=1, deliveries=1,
                                         queue="print"))
        return settled.park

    # the spent token, no token, or the old boolean mark: parked, not printed
    assert deliver("keputusan-1") and deliver(None) and deliver(True)
    assert _prints(home) == []
    assert worker.inbox.get("print", row.message_id)[0] == "maybe_done"
    assert not deliver("keputusan-2") and len(_prints(home)) == 1  # a new decision prints once


def test_already_printed_files_the_proof_without_printing_again(home) -> None:
    """The PPID checked the board: 'sudah tercetak' (warta redrive --printed) files the proof and
    prints nothing; the delivery is confirmed with the reason."""
    item = home.approve("Sudah di papan", "print")
    relay = start_all(home.settings, channels=[], bb=home.bb(), archiver=False)
    try:
        wait_until(lambda: home.w.outbox.lag() == 0.0, 30, what="published")
    finally:
        relay.stop()
    with home.w.ctx.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalar_one()
    key = json.loads(row.payload)["announcement"]["key"]
    inbox = Inbox(home.bb().state_dir(home.settings, "print") / "inbox.db")
    inbox.mark("print", row.message_id, key, "started")  # killed while lp spooled it
    inbox.close()
    t = make_transport(home.settings, home.bb())
    handle = start_all(home.settings, channels=["print"], renderer_override=PAPER, bb=home.bb(),
                       relay=False)
    try:
        wait_until(lambda: home.delivery_state(item, "print") == "parked", 60, what="parked")
        assert t.redrive({row.message_id}, decision="printed") == [row.message_id]
        wait_until(lambda: home.delivery_state(item, "print") == "confirmed", 60,
                   what="confirmed as printed")
    finally:
        handle.stop()
        t.close()
    assert _prints(home) == []  # nothing printed again
    delivery = next(d for d in home.deliveries(item) if d["channel"] == "print")
    assert delivery["artifacts"] and delivery["sha256"]  # the proof is filed
    assert list(home.settings.archive.rglob("print/manifest.json"))
