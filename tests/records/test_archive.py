"""Closing a month seals its archive folder; `warta archive verify` names each changed, missing or
extra file and exits non-zero (through the CLI, typer's CliRunner on warta.cli:app)."""

from __future__ import annotations

import json

from shared.records.archive_seal import SEAL, SIGNATURE, month_dir
from tests.records.seed import MONTH


def _close(cli):  # noqa: ANN001, ANN202
    res = cli(["archive", "close", "--month", MONTH, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _proof(month, key: str, channel: str = "web"):  # noqa: ANN001, ANN202
    from shared.slug import proof_folder as proof_slug

    return month_dir(month.archive, MONTH) / proof_slug(month.numbers[key]) / channel


def test_closed_month_verifies(month, cli):
    sealed = _close(cli)
    assert sealed["files"] == 18  # 9 confirmed deliveries x (proof + manifest.json)
    folder = month_dir(month.archive, MONTH)
    manifest = json.loads((folder / SEAL).read_bytes())
    paths = {f["path"] for f in manifest["files"]}
    web = _proof(month, "renstra").relative_to(folder).as_posix()
    assert {f"{web}/bukti-web.txt", f"{web}/manifest.json"} <= paths and len(paths) == 18
    assert manifest["month"] == MONTH and SEAL not in paths and SIGNATURE not in paths
    res = cli(["archive", "verify", "--month", MONTH])
    assert res.exit_code == 0, res.output
    assert "utuh: 18 berkas" in res.output


def test_changed_file_is_named(month, cli):
    _close(cli)
    target = _proof(month, "renstra") / "bukti-web.txt"
    target.write_text("isi yang diganti\n", encoding="utf-8")
    res = cli(["archive", "verify", "--month", MONTH])
    assert res.exit_code != 0
    rel = target.relative_to(month_dir(month.archive, MONTH)).as_posix()
    assert f"diubah: {rel}" in res.output
    assert "hilang" not in res.output and "tambahan" not in res.output


def test_deleted_file_is_named(month, cli):
    _close(cli)
    target = _proof(month, "banjir", "radio") / "manifest.json"
    target.unlink()
    res = cli(["archive", "verify", "--month", MONTH, "--json"])
    assert res.exit_code != 0
    report = json.loads(res.stdout)
    assert report["ok"] is False and report["changed"] == [] and report["extra"] == []
    assert report["missing"] == [target.relative_to(month_dir(month.archive, MONTH)).as_posix()]


def test_added_file_is_named(month, cli):
    _close(cli)
    extra = _proof(month, "cuti-bersama", "print") / "susulan.pdf"
    extra.write_bytes(b"%PDF-1.4 ditambahkan setelah ditutup")
    res = cli(["archive", "verify", "--month", MONTH])
    assert res.exit_code != 0
    assert f"tambahan: {extra.relative_to(month_dir(month.archive, MONTH)).as_posix()}" in res.output


def test_rewritten_manifest_breaks_the_signature(month, cli):
    _close(cli)
    folder = month_dir(month.archive, MONTH)
    target = _proof(month, "renstra") / "bukti-web.txt"
    target.write_text("dipalsukan\n", encoding="utf-8")
    # a forger updates the manifest to the new hash but cannot re-sign it
    import hashlib

    manifest = json.loads((folder / SEAL).read_bytes())
    rel = target.relative_to(folder).as_posix()
    for f in manifest["files"]:
        if f["path"] == rel:
            f["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    (folder / SEAL).write_bytes(json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode())
    res = cli(["archive", "verify", "--month", MONTH, "--json"])
    assert res.exit_code != 0
    report = json.loads(res.stdout)
    assert report["signature_ok"] is False and report["changed"] == []
    assert "tanda tangan segel tidak sah" in report["problem"]
    (folder / SIGNATURE).unlink()
    assert "hilang" in cli(["archive", "verify", "--month", MONTH]).output


def test_close_refuses_open_or_sealed_month_and_verify_needs_a_seal(month, cli):
    res = cli(["archive", "verify", "--month", MONTH])
    assert res.exit_code == 4 and "belum ditutup" in res.output
    from shared.timefmt import utcnow

    current = utcnow().strftime("%Y-%m")
    res = cli(["archive", "close", "--month", current])
    assert res.exit_code == 3 and "belum berakhir" in res.output
    _close(cli)
    res = cli(["archive", "close", "--month", MONTH])
    assert res.exit_code == 3 and "sudah ditutup" in res.output


def test_close_is_audited(month, cli):
    sealed = _close(cli)
    from sqlalchemy import select

    from shared.models import AuditEvent

    with month.w.ctx.read() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "archive_close")).scalar_one()
    assert json.loads(event.data)["manifest_sha256"] == sealed["manifest_sha256"]
