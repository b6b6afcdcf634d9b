"""Tamper evidence that holds (issue "Proof that proves", part 7): a recomputed chain, a cut chain,
an edited manifest of the running month and a month re-sealed outside Warta are each caught by
``warta audit verify`` / ``warta archive verify``; a clean history verifies; sealing is an act of
a logged-in PPID or Kepala Dinas; the website's checkpoint verifies with the office's public key.

The chain attacks run on SQLite and PostgreSQL (the ``warta`` fixture), as tests/domain/test_audit.py;
the seal attacks use the seeded September 2026 (tests/records/seed.py; a month that has ended, so
no clock faking is needed)."""

from __future__ import annotations

import base64
import hashlib
import json
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, text
from typer.testing import CliRunner

from shared import audit
from shared.checkpoints import web_path
from shared.db import engine_for
from shared.messages import Artifact, Receipt, load_private_key, load_public_key
from shared.models import Announcement, AuditEvent
from shared.records.archive_seal import SEAL, SIGNATURE, month_dir, previous_seals
from shared.timefmt import utcnow
from tests.domain.helpers import draft, to_state
from tests.records.seed import MONTH


def _cli(args: list) -> object:
    from warta.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


# -- the audit chain: recomputed, cut ---------------------------------------------------------------

@pytest.fixture
def signed_trail(warta, db_url):
    """An announcement taken to its final approval, then a signed checkpoint of the trail."""
    to_state(warta, draft(warta), "approved")
    res = _cli(["audit", "checkpoint", "--json"])
    assert res.exit_code == 0, res.output
    return engine_for(db_url)


def _rechain(engine, start_id: int) -> None:
    """What a forger with plain SQL does: recompute every hash from ``start_id`` on, and the head
    (the rows are read through the ORM only to get each database's timestamp as the chain does)."""
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        rows = [(e.id, audit._at_text(e), e.actor, e.action, e.announcement_id, e.data, e.hash)
                for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    with engine.begin() as conn:
        prev = audit.GENESIS
        for event_id, at, actor, action, announcement_id, data, old in rows:
            if event_id < start_id:
                prev = old
                continue
            digest = audit._digest(prev, at, actor, action, announcement_id, data)
            conn.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": digest, "i": event_id})
            prev = digest
        conn.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h WHERE id = 1"),
                     {"i": rows[-1][0], "h": prev})


def _chain_fits_itself(warta) -> bool:
    with warta.ctx.read() as s:
        return audit.verify(s).ok


def test_clean_trail_verifies_with_its_checkpoint(signed_trail):
    res = _cli(["audit", "verify", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["ok"] and data["checkpoints"] >= 1 and data["unsigned_tail"] == 0


def test_recomputed_chain_is_detected(signed_trail, warta):
    with signed_trail.begin() as conn:  # who gave the final approval, rewritten
        final = conn.execute(text("SELECT id FROM audit_events WHERE action = 'approve_final'")).scalar_one()
        conn.execute(text("UPDATE audit_events SET actor = 'sekretaris1' WHERE id = :i"), {"i": final})
    _rechain(signed_trail, final)
    assert _chain_fits_itself(warta)  # the old check alone would pass
    res = _cli(["audit", "verify"])
    assert res.exit_code == 6, res.output
    assert "RUSAK" in res.output and "ditulis ulang dan hash-nya dihitung ulang" in res.output
    # a new checkpoint refuses to sign the rewritten history
    res = _cli(["audit", "checkpoint"])
    assert res.exit_code == 3 and "tidak sesuai checkpoint" in res.output


def test_truncated_chain_is_detected(signed_trail, warta):
    with signed_trail.begin() as conn:
        last = conn.execute(text("SELECT MAX(id) FROM audit_events")).scalar_one()
        conn.execute(text("DELETE FROM audit_events WHERE id > :i"), {"i": last - 3})
        head = conn.execute(text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")).one()
        conn.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h WHERE id = 1"),
                     {"i": head.id, "h": head.hash})
    assert _chain_fits_itself(warta)
    res = _cli(["audit", "verify"])
    assert res.exit_code == 6, res.output
    assert f"kejadian #{last}" in res.output and "dipotong" in res.output


def test_cut_chain_is_caught_by_the_website_copy_alone(signed_trail, warta):
    """The archive's checkpoints deleted too: the published copy still names the cut event."""
    import shutil

    shutil.rmtree(warta.ctx.settings.archive / "checkpoints")
    with signed_trail.begin() as conn:
        last = conn.execute(text("SELECT MAX(id) FROM audit_events")).scalar_one()
        conn.execute(text("DELETE FROM audit_events WHERE id = :i"), {"i": last})
        head = conn.execute(text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")).one()
        conn.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h WHERE id = 1"),
                     {"i": head.id, "h": head.hash})
    res = _cli(["audit", "verify"])
    assert res.exit_code == 6 and "dipotong" in res.output


# -- the running month's manifests ----------------------------------------------------------------

def _file_proof(warta, item_id: int):  # noqa: ANN202 - Path of the filed manifest.json
    """File a proof of ``item_id`` on the web channel through the archiver's own prepare_proof."""
    from workers.archiver import Archiver

    with warta.ctx.read() as s:
        a = s.get(Announcement, item_id)
        item = SimpleNamespace(id=a.id, number=a.number, key=a.key, title=a.title)
    body = b"<html>bukti terbit</html>"
    receipt = Receipt(message_id="m-1", announcement_id=item.id, announcement_key=item.key,
                      number=item.number, channel="web", kind="publish", outcome="confirmed",
                      artifacts=[Artifact(name="index.html", size=len(body),
                                          sha256=hashlib.sha256(body).hexdigest(),
                                          data_b64=base64.b64encode(body).decode())],
                      at=utcnow(), host="uji")
    stored, _ = Archiver(warta.ctx.settings, None).prepare_proof(item, receipt).install()
    return (warta.ctx.settings.archive / stored[0]["path"]).parent / "manifest.json"


def test_running_month_manifest_is_signed_and_an_edit_fails(warta):
    from workers.archive_check import verify_archive

    item = draft(warta)
    to_state(warta, item, "approved")
    manifest = _file_proof(warta, item)
    year, mon = manifest.relative_to(warta.ctx.settings.archive).parts[:2]
    running = f"{year}-{mon}"  # the month the proof was filed in: the running one
    assert manifest.with_name("manifest.json.sig").is_file()
    assert verify_archive(warta.ctx.settings.archive) == []
    res = _cli(["archive", "verify", "--month", running])
    assert res.exit_code == 4 and "tanda tangan dan berkasnya cocok" in res.output
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["title"] = "Judul yang dipalsukan"
    manifest.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    res = _cli(["archive", "verify", "--month", running])
    assert res.exit_code == 6, res.output
    assert "tanda tangan manifest tidak cocok" in res.output and "manifest.json" in res.output
    assert any("tanda tangan manifest tidak cocok" in p for p in verify_archive(warta.ctx.settings.archive))
    manifest.with_name("manifest.json.sig").unlink()  # removing the signature is no way out
    res = _cli(["archive", "verify", "--month", running])
    assert res.exit_code == 6 and "tidak bertanda tangan" in res.output


# -- sealing: who may, re-sealing, a seal rewritten outside Warta ---------------------------------

def _seal(cli, *extra, as_user="ppid1"):  # noqa: ANN001, ANN202
    return cli(["archive", "close", "--month", MONTH, "--json", *extra, "--as", as_user],
               as_user=as_user)


def test_pelaksana_may_not_seal(month, cli):
    res = _seal(cli, as_user="pelaksana1")
    assert res.exit_code == 3
    assert "Pelaksana tidak berwenang menyegel arsip bulanan; hanya PPID dan Kepala Dinas" in res.output
    assert not (month_dir(month.archive, MONTH) / SEAL).exists()


def test_seal_is_audited_checkpointed_and_published(month, cli):
    res = _seal(cli)
    assert res.exit_code == 0, res.output
    sealed = json.loads(res.stdout)
    assert sealed["checkpoint"] and sealed["checkpoint_problem"] == ""
    with month.w.ctx.read() as s:
        event = s.get(AuditEvent, sealed["event"])
    assert event.actor == "ppid1" and event.action == "archive_close"
    # the website's copy: a stranger verifies it with the office's public key alone
    published = json.loads(web_path(month.w.ctx.settings.out).read_text(encoding="utf-8"))
    body = {k: v for k, v in published.items() if k not in ("signature", "public_key")}
    public = load_public_key(month.w.ctx.settings.verify_key_path)
    public.verify(base64.b64decode(published["signature"]),
                  json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
    assert Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key"])) == public
    assert published["event_id"] == event.id and published["event_hash"] == event.hash
    # a clean history verifies, both ways
    assert cli(["archive", "verify", "--month", MONTH]).exit_code == 0
    assert cli(["audit", "verify"]).exit_code == 0


def test_month_resealed_outside_warta_is_detected(month, cli):
    assert _seal(cli).exit_code == 0
    folder = month_dir(month.archive, MONTH)
    seal = json.loads((folder / SEAL).read_bytes())
    target = next(folder / f["path"] for f in seal["files"] if f["path"].endswith("bukti-web.txt"))
    target.write_text("isi yang diganti\n", encoding="utf-8")
    for f in seal["files"]:  # unseal, change, re-seal: even signed with the office's key
        if folder / f["path"] == target:
            f["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    body = json.dumps(seal, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    key = load_private_key(month.w.ctx.settings.signing_key_path)
    (folder / SEAL).write_bytes(body)
    (folder / SIGNATURE).write_text(base64.b64encode(key.sign(body)).decode() + "\n")
    res = cli(["archive", "verify", "--month", MONTH, "--json"])
    assert res.exit_code == 6, res.output
    report = json.loads(res.stdout)
    assert report["signature_ok"] and report["changed"] == []  # the seal itself looks perfect
    assert any("ditulis ulang di luar Warta" in p for p in report["problems"])
    res = cli(["audit", "verify"])
    assert res.exit_code == 6 and f"arsip {MONTH}" in res.output


def test_removed_seal_cannot_be_replaced_by_a_fresh_close(month, cli):
    assert _seal(cli).exit_code == 0
    folder = month_dir(month.archive, MONTH)
    (folder / SEAL).unlink()
    (folder / SIGNATURE).unlink()
    res = cli(["archive", "close", "--month", MONTH])  # the scheduled job, no login
    assert res.exit_code == 3 and "pernah disegel" in res.output
    res = cli(["archive", "verify", "--month", MONTH])
    assert res.exit_code == 6 and "segel hilang" in res.output


def test_reseal_needs_ppid_or_kadis_and_a_reason_and_keeps_the_old_seal(month, cli):
    first = json.loads(_seal(cli).stdout)
    folder = month_dir(month.archive, MONTH)
    old_bytes = (folder / SEAL).read_bytes()
    assert _seal(cli, as_user="kadis1").exit_code == 3  # no --reseal: already sealed
    res = _seal(cli, "--reseal", as_user="kadis1")
    assert res.exit_code == 2 and "memerlukan alasan" in res.output
    res = cli(["archive", "close", "--month", MONTH, "--reseal", "--reason", "x"])
    assert res.exit_code == 3 and "tugas terjadwal (system) tidak boleh" in res.output
    res = _seal(cli, "--reseal", "--reason", "x", as_user="sekretaris1")
    assert res.exit_code == 3 and "tidak berwenang menyegel ulang" in res.output
    extra = folder / "susulan.txt"
    extra.write_text("bukti susulan\n", encoding="utf-8")
    res = _seal(cli, "--reseal", "--reason", "Bukti cetak susulan", as_user="kadis1")
    assert res.exit_code == 0, res.output
    again = json.loads(res.stdout)
    assert again["seal_no"] == 2 and again["previous"]["sha256"] == first["manifest_sha256"]
    kept = previous_seals(folder)
    assert [p.name for p in kept] == ["SEGEL-1.json"] and kept[0].read_bytes() == old_bytes
    with month.w.ctx.read() as s:
        events = list(s.execute(select(AuditEvent).where(
            AuditEvent.action.in_(audit.SEAL_ACTIONS)).order_by(AuditEvent.id)).scalars())
    assert [(e.action, e.actor) for e in events] == [("archive_close", "ppid1"),
                                                      ("archive_reseal", "kadis1")]
    assert json.loads(events[1].data)["reason"] == "Bukti cetak susulan"
    res = cli(["archive", "verify", "--month", MONTH, "--json"])
    assert res.exit_code == 0, res.output
    assert [s["file"] for s in json.loads(res.stdout)["seals"]] == ["SEGEL-1.json", SEAL]


def test_scheduled_job_seals_as_the_explicit_system_actor(month, cli):
    res = cli(["archive", "close", "--month", MONTH, "--json"])
    assert res.exit_code == 0, res.output
    with month.w.ctx.read() as s:
        event = s.get(AuditEvent, json.loads(res.stdout)["event"])
    assert event.actor == "system" and json.loads(event.data)["system"] is True
