"""The backbone end to end in one process, over the embedded transport and over RabbitMQ."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta


from shared.messages import Kind, Receipt, load_private_key, new_envelope
from tests.backbone.conftest import artifact_files, wait_until
from tests.factories import envelope, snapshot
from workers.archive_check import verify_archive
from workers.inprocess import start_all
from workers.transport import Incoming, make_transport

REC = "tests.backbone.renderers:RecordingRenderer"


def _renders(home) -> list[list[str]]:  # noqa: ANN001
    log = home.settings.out / "renders.log"
    return [line.split("|") for line in log.read_text().splitlines()] if log.exists() else []


def test_approved_items_are_disseminated_and_archived(home) -> None:
    items = [home.approve("Satu", "web,videotron,radio,print"), home.approve("Dua", "web"),
             home.approve("Banjir", "radio,web", klasifikasi="serta-merta")]
    assert {home.w.queries.get_item(i)["state"] for i in items} == {"approved"}
    handle = start_all(home.settings, renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: all(home.w.queries.get_item(i)["state"] == "disseminated" for i in items), 60,
                   what="every announcement disseminated")
    finally:
        handle.stop()
    assert not handle.errors
    assert home.all_confirmed(items)
    assert verify_archive(home.settings.archive) == []
    manifests = sorted(home.settings.archive.rglob("manifest.json"))
    assert len(manifests) == 7  # one per delivery
    data = json.loads(manifests[0].read_text())
    assert data["files"] and all(len(f["sha256"]) == 64 for f in data["files"])
    assert len(artifact_files(home.settings.out, "rec")) == 7
    from sqlalchemy import select

    from shared.models import AuditEvent

    with home.w.ctx.read() as s:
        actions = list(s.execute(select(AuditEvent.action)
                                 .where(AuditEvent.announcement_id == items[1])).scalars())
    assert actions[-1] == "disseminated"


def test_duplicate_and_unknown_receipts_change_nothing(home) -> None:
    item = home.approve("Dup", "web")
    handle = start_all(home.settings, renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: home.all_confirmed([item]), 60, what="confirmed")
    finally:
        handle.stop()
    from workers.archiver import Archiver

    before = home.deliveries(item)[0]
    archiver = Archiver(home.settings, make_transport(home.settings, home.bb()))
    d = before
    receipt = Receipt(message_id=d["message_id"], announcement_id=item,
                      announcement_key=home.w.queries.get_item(item)["key"], number="x", channel="web",
                      kind=Kind.PUBLISH, outcome="confirmed", at=home.w.queries.get_item(item)["approved_at"],
                      host="h")
    assert home.w.ledger.record_receipt(receipt, archiver.file_proof) == "duplicate"
    failed = receipt.model_copy(update={"outcome": "failed", "reason": "telat"})
    assert home.w.ledger.record_receipt(failed, archiver.file_proof) == "duplicate"
    unknown = receipt.model_copy(update={"announcement_id": 99999})
    assert home.w.ledger.record_receipt(unknown, archiver.file_proof) == "unknown"
    for body in (unknown.to_wire(), b"\xff not json"):  # logged and dropped, never a crash
        archiver.handle(Incoming(body=body, headers={}, message_id="m", priority=1, deliveries=0,
                                 queue="r"))
    assert home.deliveries(item)[0] == before


def test_forged_expired_undecodable_and_exempt_messages_are_parked(home) -> None:
    t = make_transport(home.settings, home.bb())
    t.declare()
    real = load_private_key(home.settings.signing_key_path)
    forged = envelope("web", snapshot())  # signed by another key
    expired = new_envelope(Kind.PUBLISH, "web", snapshot(), str(uuid.uuid4()), timedelta(hours=-1), real)
    exempt = envelope("web", snapshot(klasifikasi="dikecualikan"), key=real)
    unsigned = forged.model_copy(update={"sig": "", "message_id": str(uuid.uuid4())})
    bad = {forged.message_id: "bad_signature", expired.message_id: "expired",
           exempt.message_id: "forbidden", unsigned.message_id: "unsigned"}
    for env in (forged, expired, exempt, unsigned):
        t.publish_dispatch("web", env.to_wire(), env.message_id, 1, {"x-warta-channel": "web"})
    junk_id = str(uuid.uuid4())
    t.publish_dispatch("web", b"{not an envelope", junk_id, 1, {"x-warta-channel": "web"})
    handle = start_all(home.settings, channels=["web"], renderer_override=REC, bb=home.bb(),
                       relay=False, archiver=False)
    try:
        parked = wait_until(lambda: [p for p in t.parked() if p["message_id"] in {*bad, junk_id}]
                            if len(t.parked()) >= 5 else None, 30, what="five parked messages")
    finally:
        handle.stop()
        t.close()
    codes = {p["message_id"]: p["code"] for p in parked}
    assert {k: codes[k] for k in bad} == bad
    assert codes[junk_id] == "undecodable"
    assert all(p["reason"] for p in parked)
    assert _renders(home) == [] and artifact_files(home.settings.out, "rec") == []


def test_transient_failure_retries_through_a_tier_then_confirms(home, monkeypatch) -> None:
    monkeypatch.setenv("WARTA_QUICK_RETRIES", "2")
    monkeypatch.setenv("WARTA_TEST_FAILS", "3")  # 2 quick tries fail, then one tier, then success
    item = home.approve("Printer sibuk", "web")
    handle = start_all(home.settings, channels=["web"],
                       renderer_override="tests.backbone.renderers:FlakyRenderer", bb=home.bb())
    try:
        wait_until(lambda: home.all_confirmed([item]), 60, what="confirmed after a retry tier")
    finally:
        handle.stop()
    d = home.deliveries(item)[0]
    assert d["attempts"] == 1 and d["last_error"] is None
    assert len(artifact_files(home.settings.out, "rec")) == 1


def test_permanent_error_parks_and_redrive_brings_it_back(home) -> None:
    (home.settings.out).mkdir(parents=True, exist_ok=True)
    (home.settings.out / "broken").write_text("1")
    item = home.approve("Tata letak rusak", "web")
    bb = home.bb()
    handle = start_all(home.settings, channels=["web"],
                       renderer_override="tests.backbone.renderers:BrokenRenderer", bb=bb)
    try:
        wait_until(lambda: home.delivery_state(item, "web") == "parked", 60, what="parked")
        assert "tidak dapat ditata" in home.deliveries(item)[0]["last_error"]
        (home.settings.out / "broken").unlink()  # the fix
        t = make_transport(home.settings, bb)
        ids = {d["message_id"] for d in home.w.redrive.parked_deliveries()}
        assert t.redrive(ids) == list(ids)
        t.close()
        assert home.w.redrive.mark_redriven(list(ids)) == 1
        wait_until(lambda: home.all_confirmed([item]), 60, what="confirmed after redrive")
    finally:
        handle.stop()


def test_revocation_reaches_every_channel_and_stays_revoked(home) -> None:
    item = home.approve("Akan dicabut", "web,radio")
    handle = start_all(home.settings, renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: home.w.queries.get_item(item)["state"] == "disseminated", 60, what="disseminated")
        home.w.review.revoke(home.ids["kadis1"], item, "Informasi keliru")
        wait_until(lambda: all(d["state"] == "revoked" for d in home.deliveries(item)
                               if d["kind"] == "revoke"), 60, what="revocation confirmed")
    finally:
        handle.stop()
    assert home.w.queries.get_item(item)["state"] == "revoked"
    # the publication's deliveries keep their proof next to the revocation's
    assert sorted((d["kind"], d["state"]) for d in home.deliveries(item)) == [
        ("publish", "confirmed")] * 2 + [("revoke", "revoked")] * 2
    kinds = [r[1] for r in _renders(home)]
    assert sorted(kinds) == ["publish", "publish", "revoke", "revoke"]
    assert verify_archive(home.settings.archive) == []
    assert list(home.settings.archive.rglob("pencabutan/manifest.json"))


def test_serta_merta_overtakes_waiting_messages(home) -> None:
    normal = [home.approve(f"Biasa {n}", "web") for n in range(6)]
    urgent = home.approve("Banjir bandang", "web", klasifikasi="serta-merta")
    bb = home.bb()
    relay = start_all(home.settings, channels=[], bb=bb, archiver=False)
    t = make_transport(home.settings, bb)
    wait_until(lambda: home.w.outbox.lag() == 0.0, 30, what="outbox published")
    relay.stop()
    assert {home.w.queries.get_item(i)["state"] for i in normal + [urgent]} == {"disseminating"}
    assert {d["state"] for i in normal for d in home.deliveries(i)} == {"queued"}
    handle = start_all(home.settings, channels=["web"], renderer_override=REC, bb=bb, relay=False)
    try:
        wait_until(lambda: home.all_confirmed(normal + [urgent]), 60, what="all confirmed")
    finally:
        handle.stop()
        t.close()
    order = [r[0] for r in _renders(home)]
    assert order.index("Banjir bandang") <= 1, order
