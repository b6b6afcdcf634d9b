"""``warta dip``: the Daftar Informasi Publik (DIP): proposals from announcements, the PPID's
review, rows added by hand, the monthly establishment by SK, and exports."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shared.i18n import _
from warta.common import acting_user, emit, guarded, services

app = typer.Typer(help="Daftar Informasi Publik (DIP): usulan, telaah, penetapan, ekspor.",
                  no_args_is_help=True)

MONTH_OPT = typer.Option(..., "--month", help="Bulan TTTT-BB, mis. 2026-11")
JSON_OPT = typer.Option(False, "--json")


def _entry_line(e: dict) -> str:
    return f"#{e['id']:<4} [{e['status']}] {e['month']} {e['jenis']:<12} {e['ringkasan'][:70]}"


@app.command("propose")
def dip_propose(month: str = MONTH_OPT, actor: Optional[str] = typer.Option(None, "--as"),
                as_json: bool = JSON_OPT) -> None:
    """Jadikan pengumuman yang disetujui pada bulan itu usulan baris DIP."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json).id if actor else None
    n = guarded(as_json, lambda: w.dip.propose_dip_entries(month, who))
    emit({"month": month, "proposed": n}, as_json, _("{n} usulan DIP baru untuk bulan {m}", n=n, m=month))


@app.command("list")
def dip_list(month: str = MONTH_OPT, as_json: bool = JSON_OPT) -> None:
    """Tampilkan daftar DIP bulan itu dan usulan yang menunggu telaah."""
    w = services(as_json=as_json)
    data = guarded(as_json, lambda: w.dip.dip_entries(month))
    lines = [_("Daftar ({n} baris):", n=len(data["register"]))]
    lines += [f"  {_entry_line(e)}" for e in data["register"]]
    lines += [_("Usulan menunggu telaah ({n}):", n=len(data["proposals"]))]
    lines += [f"  {_entry_line(e)}" for e in data["proposals"]]
    emit(data, as_json, "\n".join(lines))


@app.command("review")
def dip_review(entry_id: int, actor: str = typer.Option(..., "--as"),
               accept: bool = typer.Option(..., "--accept/--reject", help="Terima atau tolak usulan"),
               note: Optional[str] = typer.Option(None, "--note"),
               retention: Optional[str] = typer.Option(None, "--retention", help="Jangka waktu penyimpanan"),
               form: Optional[str] = typer.Option(None, "--form", help="cetak,elektronik"),
               as_json: bool = JSON_OPT) -> None:
    """Telaah usulan DIP (PPID): terima (boleh dengan koreksi) atau tolak dengan alasan."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    row = guarded(as_json, lambda: w.dip.review_dip_entry(who.id, entry_id, accept, note,
                                                          jangka_waktu=retention, bentuk=form))
    emit(row, as_json, _entry_line(row))


@app.command("add")
def dip_add(month: str = MONTH_OPT, actor: str = typer.Option(..., "--as"),
            summary: str = typer.Option(..., "--summary", help="Ringkasan isi informasi"),
            holder: str = typer.Option(..., "--holder", help="Pejabat/unit yang menguasai informasi"),
            responsible: str = typer.Option(..., "--responsible", help="Penanggung jawab pembuatan"),
            made_when: str = typer.Option(..., "--made-when", help="Waktu pembuatan"),
            made_where: str = typer.Option(..., "--made-where", help="Tempat pembuatan"),
            form: str = typer.Option(..., "--form", help="cetak,elektronik"),
            retention: str = typer.Option(..., "--retention", help="Jangka waktu penyimpanan"),
            kind: str = typer.Option(..., "--kind", help="berkala, serta-merta atau setiap-saat"),
            as_json: bool = JSON_OPT) -> None:
    """Tambah baris DIP di luar usulan pengumuman (PPID)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    new_id = guarded(as_json, lambda: w.dip.add_dip_entry(
        who.id, month, ringkasan=summary, pejabat_unit=holder, penanggung_jawab=responsible,
        waktu_pembuatan=made_when, tempat_pembuatan=made_where, bentuk=form,
        jangka_waktu=retention, jenis=kind))
    emit({"id": new_id, "month": month}, as_json, _("Baris DIP #{id} ditambahkan", id=new_id))


@app.command("establish")
def dip_establish(month: str = MONTH_OPT, sk: str = typer.Option(..., "--sk", help="Nomor SK penetapan"),
                  actor: str = typer.Option(..., "--as"), as_json: bool = JSON_OPT) -> None:
    """Tetapkan DIP bulan itu dengan nomor SK (PPID); versinya dibekukan."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    result = guarded(as_json, lambda: w.dip.establish_dip(who.id, month, sk))
    emit(result, as_json, _("DIP bulan {m} ditetapkan dengan SK {sk} ({n} baris)", m=month,
                            sk=result["sk_number"], n=result["entries"]))


@app.command("versions")
def dip_versions(as_json: bool = JSON_OPT) -> None:
    """Daftar DIP bulanan yang sudah ditetapkan."""
    rows = services(as_json=as_json).dip.dip_versions()
    emit({"versions": rows}, as_json, "\n".join(
        f"{r['month']}  SK {r['sk_number']}  {r['entries']} baris  {r['established_by']}"
        for r in rows) or _("Belum ada DIP yang ditetapkan"))


@app.command("export")
def dip_export(month: str = MONTH_OPT, fmt: str = typer.Option(..., "--format", help="xlsx, csv atau pdf"),
               output: Path = typer.Option(..., "--output"), as_json: bool = JSON_OPT) -> None:
    """Ekspor DIP bulan itu (versi yang ditetapkan, atau rancangan bila belum)."""
    w = services(as_json=as_json)
    path = guarded(as_json, lambda: w.dip.export_dip(month, fmt.lower(), output))
    emit({"month": month, "format": fmt, "output": str(path)}, as_json,
         _("DIP bulan {m} ditulis ke {p}", m=month, p=str(path)))
