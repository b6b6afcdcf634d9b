"""The archiver's batches: one transaction per batch, proofs staged before it and renamed into
place only for receipts that are applied; a bad receipt in a batch never spoils the others."""

from __future__ import annotations

import base64
import hashlib
import json

from shared.messages import Artifact, Kind, Receipt, load_private_key
from shared.receipt_keys import private_key_path, sign_receipt
from workers.archiver import Archiver
from workers.transport import Incoming, make_transport


def _incoming(body: bytes) -> Incoming:
    return Incoming(body=body, headers={}, message_id="m", priority=1, deliveries=0, queue="r")


def _receipt(home, item: int, channel: str, data: bytes, sha: str | None = None) -> Receipt:  # noqa: ANN001
    d = next(x for x in home.deliveries(item) if x["channel"] == channel)
    info = home.w.queries.get_item(item)
    art = Artifact(name=f"{channel}/bukti.txt", size=len(data),
                   sha256=sha or hashlib.sha256(data).hexdigest(),
                   data_b64=base64.b64encode(data).decode())
    receipt = Receipt(message_id=d["message_id"], announcement_id=item,
                      announcement_key=info["key"], number=info["number"] or "x", channel=channel,
                      kind=Kind.PUBLISH, outcome="confirmed", at=info["approved_at"], host="h",
                      artifacts=[art])
    # signed by the channel's own worker key, as the worker would (the archiver drops others)
    key = load_private_key(private_key_path(home.settings.home, channel))
    return sign_receipt(receipt, key, channel)


def test_a_batch_applies_good_receipts_and_rejects_bad_ones_alone(home) -> None:
    item = home.approve("Batch", "web,radio")
    archiver = Archiver(home.settings, make_transport(home.settings, home.bb()), home.bb())
    good = _receipt(home, item, "web", b"isi bukti web\n")
    bad = _receipt(home, item, "radio", b"isi bukti radio\n", sha="0" * 64)  # checksum mismatch
    batch = [_incoming(good.to_wire()), _incoming(good.to_wire()),  # a duplicate in the same batch
             _incoming(bad.to_wire()), _incoming(b"\xff bukan json")]
    settlements = archiver.handle_batch(batch)
    assert len(settlements) == len(batch)  # every message is settled (acked) after the commit
    assert all(not s.park and s.retry_delay is None for s in settlements)
    states = {d["channel"]: d["state"] for d in home.deliveries(item)}
    assert states["web"] == "confirmed"
    assert states["radio"] != "confirmed"  # the rejected proof changed nothing
    manifests = list(home.settings.archive.rglob("manifest.json"))
    assert len(manifests) == 1
    manifest = json.loads(manifests[0].read_text())
    assert manifest["message_id"] == good.message_id and manifest["channel"] == "web"
    web = next(d for d in home.deliveries(item) if d["channel"] == "web")
    assert web["sha256"] == hashlib.sha256(manifests[0].read_bytes()).hexdigest()
    proof = manifests[0].parent / "web" / "bukti.txt"
    assert proof.read_bytes() == b"isi bukti web\n"
    # staged temp files of the duplicate and of the rejected receipt are gone
    assert [p for p in home.settings.archive.rglob("*") if p.name.endswith(".tmp")] == []
    # applying the same batch again changes nothing (redelivery after a crash before the ack)
    archiver.handle_batch(batch)
    assert list(home.settings.archive.rglob("manifest.json")) == manifests
    assert json.loads(manifests[0].read_text()) == manifest
    assert [p for p in home.settings.archive.rglob("*") if p.name.endswith(".tmp")] == []


def test_record_receipts_matches_record_receipt_one_by_one(home) -> None:
    item = home.approve("Satu per satu", "web")
    archiver = Archiver(home.settings, make_transport(home.settings, home.bb()), home.bb())
    r = _receipt(home, item, "web", b"x\n")
    unknown = r.model_copy(update={"announcement_id": 99999})
    stale = r.model_copy(update={"message_id": "00000000-0000-0000-0000-000000000000"})
    results = home.w.ledger.record_receipts([unknown, stale, r, r], archiver.file_proof)
    assert [r.result for r in results] == ["unknown", "stale", "applied", "duplicate"]
