"""The Daftar Informasi Publik (DIP): its columns as offices publish them, proposals from approved
announcements, and exports to XLSX (openpyxl), CSV and PDF.

A DIP *document* is a dict: ``month``, ``established`` (bool), ``sk_number``, ``established_at``
(ISO or None), ``established_by`` ({name, nip} or None), ``entries`` (list of entry dicts as
:func:`entry_dict` returns them, in register order).
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from shared.classification import KLASIFIKASI_LABEL, Channel, Klasifikasi
from shared.config import AgencyProfile
from shared.errors import InvalidInput
from shared.records import month_label
from shared.records.pdf import OfficialPdf, Signer, title_id
from shared.timefmt import date_id
from shared.vocab import DIP_STATUS_LABEL

COLUMNS = ("No", "Ringkasan Isi Informasi", "Pejabat/Unit yang Menguasai Informasi",
           "Penanggung Jawab Pembuatan Informasi", "Waktu dan Tempat Pembuatan Informasi",
           "Bentuk Informasi yang Tersedia", "Jangka Waktu Penyimpanan", "Jenis Informasi")
"""The register's columns, in the order offices publish them."""

JENIS = (Klasifikasi.BERKALA, Klasifikasi.SERTA_MERTA, Klasifikasi.SETIAP_SAAT)
"""Classes a DIP row may have (dikecualikan belongs in the exempt register instead)."""

BENTUK = ("cetak", "elektronik")
"""Forms in which information is available: printed (hardcopy) and electronic (softcopy)."""

DEFAULT_RETENTION = "5 (lima) tahun"
"""Retention proposed for an announcement's row; the PPID may change it when reviewing."""

STATUS_LABEL = DIP_STATUS_LABEL
"""A row's status as people read it (the one map is :data:`shared.vocab.DIP_STATUS_LABEL`)."""


def parse_jenis(value: str) -> str:
    """A DIP class (berkala, serta-merta, setiap-saat) or a refusal naming the choices."""
    norm = (value or "").strip().lower().replace("_", "-").replace(" ", "-")
    if norm not in {str(j) for j in JENIS}:
        raise InvalidInput("Jenis informasi DIP '{v}' tidak dikenal; pilih: berkala, serta-merta, "
                           "setiap-saat (informasi dikecualikan dicatat di register tersendiri)",
                           v=value)
    return norm


def parse_bentuk(value: str | list[str]) -> list[str]:
    """Forms ``cetak``/``elektronik`` (comma-separated or a list), at least one."""
    items = value.split(",") if isinstance(value, str) else value
    out = []
    for raw in items:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in BENTUK:
            raise InvalidInput("Bentuk informasi '{v}' tidak dikenal; pilih cetak dan/atau "
                               "elektronik", v=raw)
        if name not in out:
            out.append(name)
    if not out:
        raise InvalidInput("Bentuk informasi wajib diisi: cetak dan/atau elektronik")
    return sorted(out, key=BENTUK.index)


def bentuk_for_channels(channels: list[str]) -> list[str]:
    """An announcement on the notice board exists in print; every other channel is electronic."""
    forms = set()
    for c in channels:
        forms.add("cetak" if c == Channel.PRINT else "elektronik")
    return sorted(forms or {"elektronik"}, key=BENTUK.index)


def proposal(title: str, summary: str, klasifikasi: str, channels: list[str],
             approved_at: datetime, approver: str, profile: AgencyProfile, tz: str) -> dict:
    """The DIP row an approved announcement proposes."""
    ringkasan = title if not summary else f"{title}: {summary}"
    return {"ringkasan": ringkasan, "pejabat_unit": f"{title_id(profile.unit)} (PPID Pelaksana)",
            "penanggung_jawab": approver, "waktu_pembuatan": date_id(approved_at, tz, weekday=False),
            "tempat_pembuatan": profile.city, "bentuk": bentuk_for_channels(channels),
            "jangka_waktu": DEFAULT_RETENTION, "jenis": klasifikasi}


def entry_dict(e) -> dict:  # noqa: ANN001 - shared.models.DipEntry
    """A DIP row as documents, the CLI and the kiosk see it."""
    return {"id": e.id, "month": e.month, "status": e.status, "announcement_id": e.announcement_id,
            "ringkasan": e.ringkasan, "pejabat_unit": e.pejabat_unit,
            "penanggung_jawab": e.penanggung_jawab, "waktu_pembuatan": e.waktu_pembuatan,
            "tempat_pembuatan": e.tempat_pembuatan, "bentuk": list(e.bentuk or []),
            "jangka_waktu": e.jangka_waktu, "jenis": e.jenis, "note": e.note,
            "withdrawn_month": e.withdrawn_month}


def row_values(no: int, e: dict) -> list[str]:
    """One register row as the columns print it."""
    return [str(no), e["ringkasan"], e["pejabat_unit"], e["penanggung_jawab"],
            f"{e['waktu_pembuatan']}, {e['tempat_pembuatan']}",
            " dan ".join(b.capitalize() for b in e["bentuk"]), e["jangka_waktu"],
            KLASIFIKASI_LABEL.get(Klasifikasi(e["jenis"]), e["jenis"])]


def status_line(doc: dict, tz: str) -> str:
    """'Ditetapkan dengan SK Nomor ... tanggal ...' or the draft notice."""
    if not doc["established"]:
        return "RANCANGAN - belum ditetapkan oleh PPID"
    when = datetime.fromisoformat(doc["established_at"])
    return f"Ditetapkan dengan Keputusan Nomor {doc['sk_number']} tanggal {date_id(when, tz, weekday=False)}"


# -- exports ---------------------------------------------------------------------------------------


def export_csv(doc: dict, path: Path) -> Path:
    """The register as CSV (UTF-8 with BOM so spreadsheet programs read the accents)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for no, e in enumerate(doc["entries"], 1):
            writer.writerow(row_values(no, e))
    return path


def export_xlsx(doc: dict, profile: AgencyProfile, tz: str, path: Path) -> Path:
    """The register as an XLSX workbook: letterhead lines, bordered table, A4 landscape print."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet), "a new workbook's active sheet is its one worksheet"
    ws.title = f"DIP {doc['month']}"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = [profile.instansi.upper(), profile.unit.upper(), "DAFTAR INFORMASI PUBLIK",
            f"Bulan {month_label(doc['month'])}", status_line(doc, tz)]
    for i, text in enumerate(head, 1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=i <= 3, size=12 if i <= 3 else 10)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(COLUMNS))
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
    first = len(head) + 2
    for j, name in enumerate(COLUMNS, 1):
        cell = ws.cell(row=first, column=j, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E1E6F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for no, e in enumerate(doc["entries"], 1):
        for j, value in enumerate(row_values(no, e), 1):
            cell = ws.cell(row=first + no, column=j, value=int(value) if j == 1 else value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    for letter, width in zip("ABCDEFGH", (5, 48, 28, 28, 26, 18, 16, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=first + 1, column=1).coordinate
    ws.print_options.horizontalCentered = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{first}:{first}"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def export_pdf(doc: dict, profile: AgencyProfile, tz: str, path: Path,
               ppid: Signer | None = None) -> Path:
    """The register as an A4 landscape PDF with letterhead and the PPID's signature block."""
    pdf = OfficialPdf(profile, tz, landscape=True,
                      doc_label=f"Daftar Informasi Publik - {month_label(doc['month'])}")
    pdf.letterhead()
    pdf.title_block("Daftar Informasi Publik", f"{title_id(profile.unit)} - Bulan "
                    f"{month_label(doc['month'])}", status_line(doc, tz))
    rows = [row_values(no, e) for no, e in enumerate(doc["entries"], 1)]
    if rows:
        pdf.grid(COLUMNS, rows, (9, 78, 36, 36, 34, 24, 22, 22), size=8,
                 align=("C", "L", "L", "L", "L", "C", "C", "C"))
    else:
        pdf.paragraph("Belum ada informasi yang tercatat dalam daftar ini.")
    signer = ppid or Signer("PPID", "")
    when = datetime.fromisoformat(doc["established_at"]) if doc["established_at"] else None
    title = f"Pejabat Pengelola Informasi dan Dokumentasi\n{title_id(profile.unit)}"
    pdf.signatures([Signer(title, signer.name or "(.................................)", signer.nip)],
                   when=when)
    return pdf.to_file(path)
