"""Confirmed means read back (channels/readback.py): a worker reports ``confirmed`` only after it
read its public output back and saw this message's version; the signed receipt carries the
read-back's summary and digest, and the archive files it as ``readback.json``.

- a real web delivery end to end: the archived manifest lists ``readback.json``, whose content
  names the announcement's number and version and the digest of the page filed beside it;
- an output overwritten with the previous version between render and read-back: no
  ``confirmed`` receipt, the message goes to a retry tier, and its redelivery confirms once the
  output is right;
- paper: a read-back failure after the print parks the message for a person (never a second
  print by itself)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from sqlalchemy import select

from channels.readback import ARTIFACT_NAME, ReadBackError
from shared.messages import Kind, Outcome, Receipt, load_private_key
from shared.models import OutboxRow
from shared.receipt_keys import ReceiptVerifier, registry_dir
from tests.backbone.conftest import wait_until
from tests.factories import envelope, snapshot
from workers.inprocess import start_all
from workers.transport import ATTEMPT, Incoming

EMBEDDED = pytest.mark.parametrize("transport_kind", ["embedded"], indirect=True)


def _deliver(worker, body: bytes, message_id: str, attempt: int = 0):  # noqa: ANN001, ANN202
    return worker.handle(Incoming(body=body, headers={ATTEMPT: attempt}, message_id=message_id,
                                  priority=1, deliveries=0, queue=worker.channel))


def test_archived_web_proof_contains_the_read_back(home) -> None:
    item = home.approve("Pengumuman dibaca ulang", "web")
    detail = home.w.queries.get_item(item)
    handle = start_all(home.settings, channels=["web"], bb=home.bb())  # the real web renderer
    try:
        wait_until(lambda: home.all_confirmed([item]), 60, what="web confirmed")
    finally:
        handle.stop()
    assert not handle.errors
    (manifest_path,) = home.settings.archive.rglob("manifest.json")
    manifest = json.loads(manifest_path.read_text())
    files = {f["path"]: f for f in manifest["files"]}
    assert ARTIFACT_NAME in files
    data = (manifest_path.parent / ARTIFACT_NAME).read_bytes()
    assert hashlib.sha256(data).hexdigest() == files[ARTIFACT_NAME]["sha256"]
    readback = json.loads(data)
    assert (readback["number"], readback["version"], readback["key"]) == (
        detail["number"], 1, detail["key"])
    assert readback["kind"] == "publish" and detail["number"] in readback["note"]
    # the page it read is the page filed beside it
    assert files[readback["page"]["file"]]["sha256"] == readback["page"]["sha256"]
    assert all(f["entry"]["title"].startswith(detail["number"]) for f in readback["feeds"])


@EMBEDDED
def test_output_of_the_previous_version_is_never_confirmed(home, monkeypatch) -> None:
    from workers.runtime import ChannelWorker

    key = load_private_key(home.settings.signing_key_path)
    worker = ChannelWorker(home.settings, home.bb(), "web", "web")
    v1 = snapshot("cpns", number="045/PENG/DISKOMINFO/XI/2026")
    v2 = v1.model_copy(update={"version": 2, "number": "051/PENG/DISKOMINFO/XI/2026",
                               "corrects_number": v1.number, "body": "Seleksi diundur."})
    first = envelope("web", v1, key=key)
    settled = _deliver(worker, first.to_wire(), first.message_id)
    assert Receipt.model_validate_json(settled.receipt).outcome == Outcome.CONFIRMED
    page = next(worker.renderer.root.glob("items/*.html"))
    old_page = page.read_bytes()

    real = type(worker.renderer).render

    def stale_render(self, env):  # noqa: ANN001, ANN202 - a writer that puts version 1 back
        files = real(self, env)
        page.write_bytes(old_page)
        return files

    monkeypatch.setattr(type(worker.renderer), "render", stale_render)
    ralat = envelope("web", v2, Kind.UPDATE, key=key)
    settled = _deliver(worker, ralat.to_wire(), ralat.message_id)
    receipt = Receipt.model_validate_json(settled.receipt)
    assert settled.retry_delay and not settled.park  # a retry tier, the message is kept
    assert receipt.outcome == Outcome.FAILED and receipt.readback is None
    assert "051/PENG/DISKOMINFO/XI/2026" in receipt.reason
    assert worker.inbox.get("web", ralat.message_id)[0] == "retry"

    monkeypatch.setattr(type(worker.renderer), "render", real)
    settled = _deliver(worker, ralat.to_wire(), ralat.message_id, attempt=1)  # the tier's copy
    receipt = Receipt.model_validate_json(settled.receipt)
    assert receipt.outcome == Outcome.CONFIRMED and receipt.version == 2
    assert receipt.readback["summary"]["number"] == "051/PENG/DISKOMINFO/XI/2026"
    (artifact,) = [a for a in receipt.artifacts if a.name == ARTIFACT_NAME]
    data = base64.b64decode(artifact.data_b64)
    assert hashlib.sha256(data).hexdigest() == artifact.sha256 == receipt.readback["sha256"]
    assert json.loads(data) == receipt.readback["summary"]
    # signed with the rest: the archiver's check accepts it, and a changed read-back is refused
    verifier = ReceiptVerifier(registry_dir(home.settings.home))
    assert verifier.refusal(receipt) is None
    forged = receipt.model_copy(update={"readback": {**receipt.readback, "sha256": "0" * 64}})
    assert verifier.refusal(forged) is not None


@EMBEDDED
def test_paper_whose_read_back_fails_waits_for_a_person(home, monkeypatch) -> None:
    from channels.noticeboard import NoticeboardRenderer
    from workers.runtime import ChannelWorker

    item = home.approve("Cetak dibaca ulang", "print")
    with home.w.ctx.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalar_one()
    worker = ChannelWorker(home.settings, home.bb(), "print", "print")
    renders = []
    real = NoticeboardRenderer.render

    def counted(self, env):  # noqa: ANN001, ANN202
        renders.append(env.message_id)
        return real(self, env)

    def unreadable(self, env, files):  # noqa: ANN001, ANN202
        raise ReadBackError("PDF tidak memuat nomor (uji)")

    monkeypatch.setattr(NoticeboardRenderer, "render", counted)
    monkeypatch.setattr(NoticeboardRenderer, "read_back", unreadable)
    for _ in range(2):  # the message, then its redelivery
        settled = _deliver(worker, row.payload.encode(), row.message_id)
        assert settled.park and settled.headers["x-warta-code"] in ("readback", "maybe_done")
        assert Receipt.model_validate_json(settled.receipt).outcome == Outcome.PARKED
    assert len(renders) == 1  # printed once; the redelivery did not print again
    assert worker.inbox.get("print", row.message_id)[0] == "maybe_done"
