"""``warta archive``: the sealed monthly archive of proofs: close (seal), verify, the archiver's key."""

from __future__ import annotations

from typing import Optional

import typer

from shared.i18n import _
from warta.common import acting_user, emit, guarded, services, settings

app = typer.Typer(help="Arsip bulanan bukti pengumuman: tutup dan periksa.", no_args_is_help=True)

MONTH_OPT = typer.Option(..., "--month", help="Bulan TTTT-BB, mis. 2026-11")
JSON_OPT = typer.Option(False, "--json")


@app.command("close")
def archive_close(month: str = MONTH_OPT,
                  actor: Optional[str] = typer.Option(
                      None, "--as", help="PPID atau Kepala Dinas (kata sandi dari WARTA_PASSWORD); "
                      "tanpa --as: tugas terjadwal, dicatat sebagai 'system'"),
                  reseal: bool = typer.Option(False, "--reseal", help="Segel ulang bulan yang "
                                              "sudah disegel (segel lama disimpan)"),
                  reason: Optional[str] = typer.Option(None, "--reason", help="Alasan penyegelan ulang"),
                  as_json: bool = JSON_OPT) -> None:
    """Tutup arsip bulan itu: manifest sha256 setiap berkas, ditandatangani (Ed25519), dicatat
    di jejak audit dengan checkpoint bertanda tangan."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json).id if actor else None
    result = guarded(as_json, lambda: w.reports.close_archive(month, who, reseal, reason))
    text = _("Arsip bulan {m} ditutup: {n} berkas disegel di {d}", m=month,
             n=result["files"], d=result["folder"])
    if result["resealed"]:
        text += "\n" + _("  segel ulang ke-{k}; segel sebelumnya disimpan sebagai {p}",
                          k=result["seal_no"], p=(result["previous"] or {}).get("path") or "-")
    if result["checkpoint_problem"]:
        text += "\n" + _("  PERINGATAN: checkpoint tidak dibuat: {why}",
                          why=result["checkpoint_problem"])
    emit(result, as_json, text)


@app.command("verify")
def archive_verify(month: str = MONTH_OPT, as_json: bool = JSON_OPT) -> None:
    """Periksa arsip bulan itu: segel, berkas, catatan segel di jejak audit dan checkpoint;
    bulan yang belum ditutup: tanda tangan setiap manifest. Keluar bukan nol bila ada yang berubah."""
    w = services(as_json=as_json)
    r = guarded(as_json, lambda: w.reports.check_month(month))
    if r["ok"]:
        emit(r, as_json, _("Arsip bulan {m} utuh: {n} berkas cocok dengan segel", m=month, n=r["checked"]))
        return
    lines = [_("Arsip bulan {m} TIDAK UTUH:", m=month)]
    lines += ["  " + p for p in r["problems"]]
    lines += [_("  diubah: {p}", p=p) for p in r["changed"]]
    lines += [_("  hilang: {p}", p=p) for p in r["missing"]]
    lines += [_("  tambahan: {p}", p=p) for p in r["extra"]]
    emit(r, as_json, "\n".join(lines))
    raise typer.Exit(6)


@app.command("key")
def archive_key(as_json: bool = JSON_OPT) -> None:
    """Buat (bila belum ada) kunci archiver untuk menandatangani manifest; kunci publiknya
    disimpan bersama arsip."""
    from shared.archive_keys import archiver_key, fingerprint, private_key_path

    cfg = settings()
    key = archiver_key(cfg.home, cfg.archive)
    data = {"private": str(private_key_path(cfg.home)), "key_sha256": fingerprint(key.public_key())}
    emit(data, as_json, _("Kunci archiver: {p} (sidik {fp})", p=data["private"],
                          fp=data["key_sha256"][:16]))
