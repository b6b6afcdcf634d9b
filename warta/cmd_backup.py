"""CLI of backups: ``warta backup --output PATH`` and ``warta restore --input PATH [--check]``
(``shared/backup.py`` does the work). Neither opens the database through the services first:
``restore`` must see whether OTHER processes use it, before this one holds it open."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shared.i18n import _
from warta.common import emit, fail, guarded, settings


def backup(output: Path = typer.Option(..., "--output", help="Berkas cadangan yang ditulis."),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Buat salinan basis data yang konsisten (SQLite: API backup; PostgreSQL: pg_dump)."""
    from shared.backup import backup as make_backup

    cfg = settings()
    result = guarded(as_json, lambda: make_backup(cfg, output))
    emit(result, as_json, _("Cadangan {kind} ditulis ke {out} ({n} bita, sha256 {sha})",
                            kind=result["kind"], out=result["output"], n=result["bytes"],
                            sha=result["sha256"]))



def restore(input_path: Path = typer.Option(..., "--input", help="Berkas cadangan."),
            check: bool = typer.Option(False, "--check", help="Hanya periksa cadangan; "
                                       "basis data tidak diubah."),
            replace: bool = typer.Option(False, "--replace", help="Timpa basis data yang "
                                         "dikonfigurasi (semua layanan harus berhenti)."),
            scratch_url: Optional[str] = typer.Option(
                None, "--scratch-url", help="PostgreSQL: server untuk basis data sementara "
                "tempat cadangan diuji (bawaan: server WARTA_DATABASE_URL)."),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Periksa cadangan (--check) atau pulihkan basis data darinya (--replace)."""
    from shared.backup import check_backup, restore as do_restore

    cfg = settings()
    if check and replace:
        fail(_("Pilih --check atau --replace, tidak keduanya"), 2, as_json)
    if check:
        report = guarded(as_json, lambda: check_backup(cfg, input_path, scratch_url))
        if report["ok"]:
            facts = {"p": report["input"], "n": report.get("audit_events"),
                     "rev": ", ".join(report.get("revision", [])) or "-"}
            emit(report, as_json, _("Cadangan {p} baik: integritas utuh, jejak audit utuh "
                                    "({n} kejadian), revisi skema {rev}", **facts)
                 if report.get("revision_current") else
                 _("Cadangan {p} baik: integritas utuh, jejak audit utuh ({n} kejadian), revisi "
                   "skema {rev} (lebih lama dari kode ini: 'warta init' memutakhirkannya setelah "
                   "pemulihan)", **facts))
            return
        emit(report, as_json, _("Cadangan {p} RUSAK: {why}", p=report["input"],
                                why="; ".join(report["problems"])))
        raise typer.Exit(1)
    result = guarded(as_json, lambda: do_restore(cfg, input_path, replace))
    emit(result, as_json, _("Basis data dipulihkan dari {p}; salinan sebelum pemulihan: {s}",
                            p=result["restored"], s=result["safety_copy"] or "-"))
