"""CLI commands of the records area (registered into the main app by warta.cli): the DIP register,
the exempt register, the monthly report, the sealed monthly archive, receipts and control cards."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shared.i18n import _
from warta.common import acting_user, emit, guarded, services

FORMAT_DIP = ("xlsx", "csv", "pdf")
FORMAT_REPORT = ("pdf", "xlsx")


def _entry_line(e: dict) -> str:
    return f"#{e['id']:<4} [{e['status']}] {e['month']} {e['jenis']:<12} {e['ringkasan'][:70]}"


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this area's commands to app (and to the shared groups such as item)."""
    dip = typer.Typer(help="Daftar Informasi Publik (DIP): usulan, telaah, penetapan, ekspor.",
                      no_args_is_help=True)
    exempt = typer.Typer(help="Register informasi dikecualikan dan uji konsekuensi (PPID, Kepala Dinas).",
                         no_args_is_help=True)
    report = typer.Typer(help="Laporan PPID.", no_args_is_help=True)
    archive = typer.Typer(help="Arsip bulanan bukti pengumuman: tutup dan periksa.", no_args_is_help=True)
    for name, group in (("dip", dip), ("exempt", exempt), ("report", report), ("archive", archive)):
        app.add_typer(group, name=name)
    item = groups["item"]

    month_opt = typer.Option(..., "--month", help="Bulan TTTT-BB, mis. 2026-11")
    json_opt = typer.Option(False, "--json")

    # -- DIP -------------------------------------------------------------------------------------

    @dip.command("propose")
    def dip_propose(month: str = month_opt, actor: Optional[str] = typer.Option(None, "--as"),
                    as_json: bool = json_opt) -> None:
        """Jadikan pengumuman yang disetujui pada bulan itu usulan baris DIP."""
        w = services()
        who = acting_user(w, actor, as_json)["id"] if actor else None
        n = guarded(as_json, lambda: w.propose_dip_entries(month, who))
        emit({"month": month, "proposed": n}, as_json, _("{n} usulan DIP baru untuk bulan {m}", n=n, m=month))

    @dip.command("list")
    def dip_list(month: str = month_opt, as_json: bool = json_opt) -> None:
        """Tampilkan daftar DIP bulan itu dan usulan yang menunggu telaah."""
        w = services()
        data = guarded(as_json, lambda: w.dip_entries(month))
        lines = [_("Daftar ({n} baris):", n=len(data["register"]))]
        lines += [f"  {_entry_line(e)}" for e in data["register"]]
        lines += [_("Usulan menunggu telaah ({n}):", n=len(data["proposals"]))]
        lines += [f"  {_entry_line(e)}" for e in data["proposals"]]
        emit(data, as_json, "\n".join(lines))

    @dip.command("review")
    def dip_review(entry_id: int, actor: str = typer.Option(..., "--as"),
                   accept: bool = typer.Option(..., "--accept/--reject", help="Terima atau tolak usulan"),
                   note: Optional[str] = typer.Option(None, "--note"),
                   retention: Optional[str] = typer.Option(None, "--retention", help="Jangka waktu penyimpanan"),
                   form: Optional[str] = typer.Option(None, "--form", help="cetak,elektronik"),
                   as_json: bool = json_opt) -> None:
        """Telaah usulan DIP (PPID): terima (boleh dengan koreksi) atau tolak dengan alasan."""
        w = services()
        who = acting_user(w, actor, as_json)
        row = guarded(as_json, lambda: w.review_dip_entry(who["id"], entry_id, accept, note,
                                                          jangka_waktu=retention, bentuk=form))
        emit(row, as_json, _entry_line(row))

    @dip.command("add")
    def dip_add(month: str = month_opt, actor: str = typer.Option(..., "--as"),
                summary: str = typer.Option(..., "--summary", help="Ringkasan isi informasi"),
                holder: str = typer.Option(..., "--holder", help="Pejabat/unit yang menguasai informasi"),
                responsible: str = typer.Option(..., "--responsible", help="Penanggung jawab pembuatan"),
                made_when: str = typer.Option(..., "--made-when", help="Waktu pembuatan"),
                made_where: str = typer.Option(..., "--made-where", help="Tempat pembuatan"),
                form: str = typer.Option(..., "--form", help="cetak,elektronik"),
                retention: str = typer.Option(..., "--retention", help="Jangka waktu penyimpanan"),
                kind: str = typer.Option(..., "--kind", help="berkala, serta-merta atau setiap-saat"),
                as_json: bool = json_opt) -> None:
        """Tambah baris DIP di luar usulan pengumuman (PPID)."""
        w = services()
        who = acting_user(w, actor, as_json)
        new_id = guarded(as_json, lambda: w.add_dip_entry(
            who["id"], month, ringkasan=summary, pejabat_unit=holder, penanggung_jawab=responsible,
            waktu_pembuatan=made_when, tempat_pembuatan=made_where, bentuk=form,
            jangka_waktu=retention, jenis=kind))
        emit({"id": new_id, "month": month}, as_json, _("Baris DIP #{id} ditambahkan", id=new_id))

    @dip.command("establish")
    def dip_establish(month: str = month_opt, sk: str = typer.Option(..., "--sk", help="Nomor SK penetapan"),
                      actor: str = typer.Option(..., "--as"), as_json: bool = json_opt) -> None:
        """Tetapkan DIP bulan itu dengan nomor SK (PPID); versinya dibekukan."""
        w = services()
        who = acting_user(w, actor, as_json)
        result = guarded(as_json, lambda: w.establish_dip(who["id"], month, sk))
        emit(result, as_json, _("DIP bulan {m} ditetapkan dengan SK {sk} ({n} baris)", m=month,
                                sk=result["sk_number"], n=result["entries"]))

    @dip.command("versions")
    def dip_versions(as_json: bool = json_opt) -> None:
        """Daftar DIP bulanan yang sudah ditetapkan."""
        rows = services().dip_versions()
        emit({"versions": rows}, as_json, "\n".join(
            f"{r['month']}  SK {r['sk_number']}  {r['entries']} baris  {r['established_by']}"
            for r in rows) or _("Belum ada DIP yang ditetapkan"))

    @dip.command("export")
    def dip_export(month: str = month_opt, fmt: str = typer.Option(..., "--format", help="xlsx, csv atau pdf"),
                   output: Path = typer.Option(..., "--output"), as_json: bool = json_opt) -> None:
        """Ekspor DIP bulan itu (versi yang ditetapkan, atau rancangan bila belum)."""
        w = services()
        path = guarded(as_json, lambda: w.export_dip(month, fmt.lower(), output))
        emit({"month": month, "format": fmt, "output": str(path)}, as_json,
             _("DIP bulan {m} ditulis ke {p}", m=month, p=str(path)))

    # -- exempt register -------------------------------------------------------------------------

    @exempt.command("add")
    def exempt_add(actor: str = typer.Option(..., "--as"),
                   info: str = typer.Option(..., "--info", help="Informasi yang dikecualikan"),
                   letter: str = typer.Option(..., "--letter", help="Huruf Pasal 17 UU 14/2008 (a-j)"),
                   consequence: str = typer.Option(..., "--consequence", help="Konsekuensi bila dibuka"),
                   period: str = typer.Option(..., "--period", help="Jangka waktu pengecualian"),
                   consideration: str = typer.Option("", "--consideration", help="Pertimbangan kepentingan publik"),
                   basis: str = typer.Option("", "--basis", help="Dasar hukum lain"),
                   item_id: Optional[int] = typer.Option(None, "--item"),
                   as_json: bool = json_opt) -> None:
        """Catat informasi dikecualikan beserta uji konsekuensinya (PPID)."""
        w = services()
        who = acting_user(w, actor, as_json)
        new_id = guarded(as_json, lambda: w.add_exempt(
            who["id"], informasi=info, pasal17_huruf=letter, konsekuensi=consequence,
            jangka_waktu=period, pertimbangan=consideration, dasar_lain=basis, announcement_id=item_id))
        emit({"id": new_id}, as_json, _("Informasi dikecualikan #{id} dicatat", id=new_id))

    @exempt.command("list")
    def exempt_list(actor: str = typer.Option(..., "--as"), as_json: bool = json_opt) -> None:
        """Tampilkan register informasi dikecualikan (PPID dan Kepala Dinas)."""
        w = services()
        who = acting_user(w, actor, as_json)
        rows = guarded(as_json, lambda: w.exempt_register(who["id"]))
        emit({"entries": rows}, as_json, "\n".join(
            f"#{r['id']:<4} {r['dasar'][:40]}  {r['informasi'][:60]}" for r in rows)
            or _("Register informasi dikecualikan kosong"))

    @exempt.command("export")
    def exempt_export(actor: str = typer.Option(..., "--as"), output: Path = typer.Option(..., "--output"),
                      as_json: bool = json_opt) -> None:
        """Cetak register informasi dikecualikan sebagai PDF (PPID dan Kepala Dinas)."""
        w = services()
        who = acting_user(w, actor, as_json)
        path = guarded(as_json, lambda: w.export_exempt(who["id"], output))
        emit({"output": str(path)}, as_json, _("Register ditulis ke {p}", p=str(path)))

    # -- monthly report --------------------------------------------------------------------------

    @report.command("monthly")
    def report_monthly(month: str = month_opt, fmt: str = typer.Option(..., "--format", help="pdf atau xlsx"),
                       output: Path = typer.Option(..., "--output"), as_json: bool = json_opt) -> None:
        """Laporan bulanan: per kanal, klasifikasi, sasaran, SLA, kegagalan, dan bukti."""
        w = services()
        path = guarded(as_json, lambda: w.export_monthly_report(month, fmt.lower(), output))
        emit({"month": month, "format": fmt, "output": str(path)}, as_json,
             _("Laporan bulanan {m} ditulis ke {p}", m=month, p=str(path)))

    # -- monthly archive -------------------------------------------------------------------------

    @archive.command("close")
    def archive_close(month: str = month_opt,
                      actor: Optional[str] = typer.Option(
                          None, "--as", help="PPID atau Kepala Dinas (kata sandi dari WARTA_PASSWORD); "
                          "tanpa --as: tugas terjadwal, dicatat sebagai 'system'"),
                      reseal: bool = typer.Option(False, "--reseal", help="Segel ulang bulan yang "
                                                  "sudah disegel (segel lama disimpan)"),
                      reason: Optional[str] = typer.Option(None, "--reason", help="Alasan penyegelan ulang"),
                      as_json: bool = json_opt) -> None:
        """Tutup arsip bulan itu: manifest sha256 setiap berkas, ditandatangani (Ed25519), dicatat
        di jejak audit dengan checkpoint bertanda tangan."""
        from shared.records.sealing import seal_month

        w = services()
        who = acting_user(w, actor, as_json)["id"] if actor else None
        result = guarded(as_json, lambda: seal_month(w, month, who, reseal, reason))
        text = _("Arsip bulan {m} ditutup: {n} berkas disegel di {d}", m=month,
                 n=result["files"], d=result["folder"])
        if result["resealed"]:
            text += "\n" + _("  segel ulang ke-{k}; segel sebelumnya disimpan sebagai {p}",
                              k=result["seal_no"], p=(result["previous"] or {}).get("path") or "-")
        if result["checkpoint_problem"]:
            text += "\n" + _("  PERINGATAN: checkpoint tidak dibuat: {why}",
                              why=result["checkpoint_problem"])
        emit(result, as_json, text)

    @archive.command("verify")
    def archive_verify(month: str = month_opt, as_json: bool = json_opt) -> None:
        """Periksa arsip bulan itu: segel, berkas, catatan segel di jejak audit dan checkpoint;
        bulan yang belum ditutup: tanda tangan setiap manifest. Keluar bukan nol bila ada yang berubah."""
        from shared.records.sealing import verify_month

        w = services()
        r = guarded(as_json, lambda: verify_month(w, month))
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

    @archive.command("key")
    def archive_key(as_json: bool = json_opt) -> None:
        """Buat (bila belum ada) kunci archiver untuk menandatangani manifest; kunci publiknya
        disimpan bersama arsip."""
        from shared.archive_keys import archiver_key, fingerprint, private_key_path

        cfg = services().settings
        key = archiver_key(cfg.home, cfg.archive)
        data = {"private": str(private_key_path(cfg.home)), "key_sha256": fingerprint(key.public_key())}
        emit(data, as_json, _("Kunci archiver: {p} (sidik {fp})", p=data["private"],
                              fp=data["key_sha256"][:16]))

    # -- per announcement ------------------------------------------------------------------------

    @item.command("card")
    def item_card(item_id: int, output: Path = typer.Option(..., "--output"),
                  actor: Optional[str] = typer.Option(None, "--as"), as_json: bool = json_opt) -> None:
        """Kartu kontrol pengumuman: seluruh riwayat dengan tanda SLA (PDF satu halaman)."""
        w = services()
        who = acting_user(w, actor, as_json)["id"] if actor else None
        path = guarded(as_json, lambda: w.control_card(item_id, output, who))
        emit({"id": item_id, "output": str(path)}, as_json, _("Kartu kontrol ditulis ke {p}", p=str(path)))

    @item.command("receipt")
    def item_receipt(item_id: int, output: Path = typer.Option(..., "--output"),
                     revision: Optional[int] = typer.Option(None, "--revision"),
                     actor: Optional[str] = typer.Option(None, "--as"), as_json: bool = json_opt) -> None:
        """Tanda terima penyerahan draf untuk diperiksa (PDF)."""
        w = services()
        who = acting_user(w, actor, as_json)["id"] if actor else None
        path = guarded(as_json, lambda: w.submission_receipt(item_id, output, who, revision))
        emit({"id": item_id, "output": str(path)}, as_json, _("Tanda terima ditulis ke {p}", p=str(path)))
