"""The register of exempt information (informasi yang dikecualikan, UU 14/2008 art. 17) with the
consequence test (uji konsekuensi) the PPID documents for every row: which letter of article 17,
what harm opening it would cause, the public-interest consideration, and how long it stays exempt.
Readable only by the PPID and the Kepala Dinas (enforced in :mod:`shared.services.records`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from shared.config import AgencyProfile
from shared.errors import InvalidInput
from shared.records.pdf import OfficialPdf, Signer, title_id
from shared.timefmt import date_id

PASAL17 = {
    "a": "menghambat proses penegakan hukum",
    "b": "mengganggu perlindungan hak atas kekayaan intelektual dan dari persaingan usaha tidak sehat",
    "c": "membahayakan pertahanan dan keamanan negara",
    "d": "mengungkapkan kekayaan alam Indonesia",
    "e": "merugikan ketahanan ekonomi nasional",
    "f": "merugikan kepentingan hubungan luar negeri",
    "g": "mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir atau wasiat",
    "h": "mengungkap rahasia pribadi",
    "i": "memorandum atau surat antar/intra Badan Publik yang menurut sifatnya dirahasiakan",
    "j": "informasi yang tidak boleh diungkapkan berdasarkan Undang-Undang",
}
"""The letters of UU 14/2008 article 17 and what each protects."""

COLUMNS = ("No", "Informasi yang Dikecualikan", "Pejabat/Unit", "Dasar Pengecualian",
           "Konsekuensi bila Dibuka", "Pertimbangan Kepentingan Publik", "Jangka Waktu Pengecualian")


def parse_huruf(value: str) -> str:
    """The article 17 letter (``a``..``j``; ``17 huruf h`` and ``h`` both accepted)."""
    norm = (value or "").strip().lower().replace("pasal", "").replace("17", "").replace("huruf", "")
    norm = norm.strip(" .()")
    if norm not in PASAL17:
        raise InvalidInput("Huruf Pasal 17 '{v}' tidak dikenal; pilih a sampai j", v=value)
    return norm


def validate(fields: dict) -> dict:
    """Check an exempt-register row: every part of the consequence test must be written."""
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    out["pasal17_huruf"] = parse_huruf(out.get("pasal17_huruf", ""))
    for name, label in (("informasi", "Informasi yang dikecualikan"),
                        ("konsekuensi", "Konsekuensi bila informasi dibuka (uji konsekuensi)"),
                        ("jangka_waktu", "Jangka waktu pengecualian")):
        if not out.get(name):
            raise InvalidInput("{label} wajib diisi", label=label)
    out.setdefault("pertimbangan", "")
    out.setdefault("dasar_lain", "")
    return out


def basis_text(huruf: str, dasar_lain: str = "") -> str:
    """'UU 14/2008 Pasal 17 huruf h (mengungkap rahasia pribadi)' plus any other legal basis."""
    text = f"UU 14/2008 Pasal 17 huruf {huruf} ({PASAL17[huruf]})"
    return f"{text}; {dasar_lain}" if dasar_lain else text


def entry_dict(e, tz: str) -> dict:  # noqa: ANN001 - shared.models.ExemptEntry
    """An exempt-register row for documents and the kiosk."""
    return {"id": e.id, "announcement_id": e.announcement_id, "informasi": e.informasi,
            "pejabat_unit": e.pejabat_unit, "pasal17_huruf": e.pasal17_huruf,
            "dasar": basis_text(e.pasal17_huruf, e.dasar_lain), "konsekuensi": e.konsekuensi,
            "pertimbangan": e.pertimbangan, "jangka_waktu": e.jangka_waktu,
            "berlaku_sampai": e.berlaku_sampai.isoformat() if e.berlaku_sampai else None,
            "berlaku_sampai_text": date_id(e.berlaku_sampai, tz, weekday=False) if e.berlaku_sampai else "",
            "created_by": e.created_by.name, "created_at": e.created_at.isoformat()}


def export_pdf(rows: list[dict], profile: AgencyProfile, tz: str, path: Path, ppid: Signer,
               when: datetime | None = None) -> Path:
    """The exempt register with its consequence tests, marked as restricted, A4 landscape."""
    pdf = OfficialPdf(profile, tz, landscape=True,
                      doc_label="Daftar Informasi yang Dikecualikan - TERBATAS")
    pdf.letterhead()
    pdf.title_block("Daftar Informasi yang Dikecualikan",
                    "beserta Uji Konsekuensi (UU 14/2008 Pasal 17 dan Pasal 19)",
                    "TERBATAS - hanya untuk PPID dan Kepala Dinas")
    table = []
    for no, r in enumerate(rows, 1):
        until = r["berlaku_sampai_text"]
        period = r["jangka_waktu"] + (f" (s.d. {until})" if until else "")
        table.append([str(no), r["informasi"], r["pejabat_unit"], r["dasar"], r["konsekuensi"],
                      r["pertimbangan"] or "-", period])
    if table:
        pdf.grid(COLUMNS, table, (9, 50, 30, 45, 50, 45, 32), size=8)
    else:
        pdf.paragraph("Belum ada informasi yang dikecualikan.")
    pdf.signatures([Signer(f"Pejabat Pengelola Informasi dan Dokumentasi\n{title_id(profile.unit)}",
                           ppid.name, ppid.nip)], when=when)
    return pdf.to_file(path)
