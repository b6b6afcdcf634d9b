"""A receipt is proof of publication, so the archiver applies only receipts signed by a worker
registered for that channel (shared/receipt_keys.py). Forged ``confirmed`` receipts for a real
delivery — unsigned, signed by an unregistered key, by a worker of another channel, or for an old
version — are published to the real receipts queue; nothing changes, and the genuine receipt that
follows is still filed. Over the embedded transport and over RabbitMQ."""

from __future__ import annotations

import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.messages import Kind, Outcome, Receipt, load_private_key
from shared.observability import METRICS
from shared.receipt_keys import private_key_path, sign_receipt
from shared.timefmt import utcnow
from tests.backbone.conftest import depth_of, queue_depth, wait_until
from tests.domain.helpers import to_state
from workers.inprocess import start_all
from workers.transport import make_transport
from workers.transport.topology import RECEIPT_KEY, Names

REC = "tests.backbone.renderers:RecordingRenderer"


def _publish_receipt(home, body: bytes) -> None:  # noqa: ANN001
    """Put a receipt on the receipts queue as any broker account could."""
    names = Names(home.settings.amqp_prefix)
    if home.settings.embedded:
        t = make_transport(home.settings, home.bb())
        t._put(names.receipts, body, str(uuid.uuid4()), 1, {})
        return
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(home.settings.broker.url))
    try:
        conn.channel().basic_publish(names.receipts, RECEIPT_KEY, body,
                                     pika.BasicProperties(message_id=str(uuid.uuid4())))
    finally:
        conn.close()


def _print_delivery(home, item_id: int) -> dict:  # noqa: ANN001
    return next(d for d in home.deliveries(item_id) if d["channel"] == "print")


def test_forged_receipts_change_nothing_and_the_genuine_one_is_filed(home) -> None:
    v1 = home.approve("Pengumuman berlaku", "web,print")
    home.w.ids = home.ids
    v2 = home.w.drafting.correct(home.ids["pelaksana1"], v1, body="Isi yang diralat.")
    to_state(home.w, v2, "approved")
    relay = start_all(home.settings, channels=[], bb=home.bb(), archiver=False)
    try:
        wait_until(lambda: home.w.outbox.lag() == 0.0 and queue_depth(home, "print") == 2, 30,
                   what="both print messages queued")
    finally:
        relay.stop()
    item = home.w.queries.get_item(v2)
    target = _print_delivery(home, v2)
    assert target["state"] == "queued"

    def forged(**over) -> Receipt:
        fields = dict(message_id=target["message_id"], announcement_id=v2,
                      announcement_key=item["key"], number=item["number"], channel="print",
                      kind=Kind.UPDATE, outcome=Outcome.CONFIRMED, version=2, at=utcnow(),
                      host="penyusup")
        return Receipt(**{**fields, **over})

    home_dir = home.settings.home
    genuine_print = load_private_key(private_key_path(home_dir, "print"))
    genuine_web = load_private_key(private_key_path(home_dir, "web"))
    forgeries = [
        forged(),  # unsigned
        sign_receipt(forged(), Ed25519PrivateKey.generate(), "print"),  # a key nobody registered
        sign_receipt(forged(), genuine_web, "web"),  # the (genuine) web worker, reporting on print
        sign_receipt(forged(version=1), genuine_print, "print"),  # an old version of the delivery
    ]
    before = METRICS.receipts_rejected.labels("print")._value.get()
    for receipt in forgeries:
        _publish_receipt(home, receipt.to_wire())
    archiver = start_all(home.settings, channels=[], bb=home.bb(), relay=False)
    try:
        wait_until(lambda: depth_of(home, Names(home.settings.amqp_prefix).receipts) == 0 and
                   METRICS.receipts_rejected.labels("print")._value.get() - before == 3, 30,
                   what="forged receipts consumed and rejected")
    finally:
        archiver.stop()
    assert METRICS.receipts_rejected.labels("print")._value.get() - before == 3  # the 4th: stale
    assert _print_delivery(home, v2) == target  # nothing changed
    assert not list(home.settings.archive.rglob("manifest.json"))
    assert home.w.queries.get_item(v2)["state"] == "disseminating"

    handle = start_all(home.settings, renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: _print_delivery(home, v2)["state"] == "confirmed", 60,
                   what="the genuine print receipt filed")
    finally:
        handle.stop()
    filed = _print_delivery(home, v2)
    assert filed["sha256"] and filed["artifacts"]
    manifests = [p for p in home.settings.archive.rglob("print/manifest.json")]
    assert manifests and any("penyusup" not in p.read_text() for p in manifests)
    assert all("penyusup" not in p.read_text() for p in home.settings.archive.rglob("*.json"))


def test_a_forged_message_reusing_a_real_message_id_changes_nothing(home) -> None:
    """Signed by another key but carrying a real message id (of a delivery already confirmed):
    parked unrendered, with no receipt, so neither the delivery nor the inbox's 'done' moves."""
    import json

    from sqlalchemy import select

    from shared.messages import Envelope, sign
    from shared.models import OutboxRow
    from tests.backbone.conftest import inbox_states
    from workers.transport import CHANNEL

    item = home.approve("Asli", "web")
    handle = start_all(home.settings, renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: home.all_confirmed([item]), 60, what="confirmed")
    finally:
        handle.stop()
    before = home.deliveries(item)
    with home.w.ctx.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalar_one()
    real = Envelope.model_validate_json(row.payload)
    snap = real.announcement.model_copy(update={"title": "PALSU", "body": "Isi palsu."})
    forged = sign(real.model_copy(update={"announcement": snap}), Ed25519PrivateKey.generate())
    assert forged.message_id == row.message_id
    t = make_transport(home.settings, home.bb())
    t.publish_dispatch("web", forged.to_wire(), forged.message_id, 1, {CHANNEL: "web"})
    worker = start_all(home.settings, channels=["web"], renderer_override=REC, bb=home.bb(),
                       relay=False)
    try:
        wait_until(lambda: [p for p in t.parked() if p["message_id"] == row.message_id], 30,
                   what="the forgery parked")
    finally:
        worker.stop()
        t.close()
    assert home.deliveries(item) == before
    assert inbox_states(home, "web") == {"done": 1}
    renders = (home.settings.out / "renders.log").read_text().splitlines()
    assert [line for line in renders if "PALSU" in line] == [] and len(renders) == 1
    assert json.loads(row.payload)["announcement"]["title"] == "Asli"
