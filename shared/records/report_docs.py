"""The monthly report (Laporan Bulanan) as PDF (A4 portrait, letterhead, charts, signature of the
PPID acknowledged by the Kepala Dinas) and as an XLSX workbook (one sheet per section)."""

from __future__ import annotations

from pathlib import Path

from shared.config import AgencyProfile
from shared.records.charts import channel_chart, sla_chart
from shared.records.pdf import OfficialPdf, Signer, title_id
from shared.records.report import COLUMN_LABEL, ReportColumn, duration_text

TITLE = "Laporan Bulanan Penyebarluasan Informasi Publik"


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def summary_rows(r: dict) -> list[tuple[str, object]]:
    """The summary lines, shared by both formats."""
    t = r["totals"]
    return [("Draf pengumuman dibuat", t["created"]),
            ("Pengumuman disetujui Kepala Dinas (termasuk ralat)", t["approved"]),
            ("Ralat disetujui", t["corrections"]),
            ("Pengumuman telah disebarluaskan", t["disseminated"]),
            ("Pengumuman dicabut", t["revoked"]),
            ("Pengembalian untuk perbaikan", t["returned"]),
            ("Pengiriman ke kanal", t["deliveries"]),
            ("Pengiriman terkonfirmasi (termasuk pencabutan)", t[ReportColumn.CONFIRMED]),
            ("Pencabutan terkonfirmasi", t["revocations"]),
            ("Pengiriman digantikan versi baru", t[ReportColumn.SUPERSEDED]),
            ("Pengiriman gagal (dicoba ulang)", t[ReportColumn.FAILED]),
            ("Pengiriman ditahan (parkir)", t[ReportColumn.PARKED]),
            ("Pengiriman belum selesai", t[ReportColumn.OPEN]),
            ("Percobaan ulang", t["retries"])]


def sla_values(row: dict) -> list[str]:
    """A row of the SLA table."""
    return [row["label"], duration_text(row["target_min"]), str(row["n"]),
            duration_text(row["median_min"]), str(row["met"]), _pct(row["share"])]


SLA_HEAD = ("Tahap SOP", "Target", "Jumlah", "Median waktu", "Tepat waktu", "Capaian")
CHANNEL_HEAD = ("Kanal", "Jumlah", *(COLUMN_LABEL[c] for c in ReportColumn), "Percobaan ulang")
FAIL_HEAD = ("Nomor", "Judul", "Kanal", "Status", "Percobaan", "Galat terakhir")
ITEM_HEAD = ("No", "Nomor", "Judul", "Versi", "Status publik", "Disetujui", "Bukti")
PROOF_HEAD = ("Nomor", "Versi", "Jenis", "Kanal", "Status", "Terkonfirmasi", "SHA-256 manifest")


def channel_values(c: dict) -> tuple:
    """A row of the per-channel table."""
    return (c["label"], c["total"], *(c[col] for col in ReportColumn), c["retries"])


def proof_rows(r: dict) -> list[tuple[dict, dict]]:
    """(version row, delivery) for every delivery of every version in the report, in order."""
    return [(it, d) for it in r["items"] for d in it["deliveries"]]


def write_pdf(r: dict, profile: AgencyProfile, tz: str, path: Path, ppid: Signer) -> Path:
    """The report as a PDF with the per-channel and SLA charts embedded as PNG."""
    pdf = OfficialPdf(profile, tz, doc_label=f"{TITLE} - {r['label']}")
    pdf.letterhead()
    pdf.title_block(TITLE, f"Bulan {r['label']}", "Pejabat Pengelola Informasi dan Dokumentasi (PPID)")
    pdf.heading("I. Ringkasan")
    pdf.grid(("Uraian", "Jumlah"), [(k, str(v)) for k, v in summary_rows(r)], (130, 44),
             align=("L", "C"))
    pdf.heading("II. Pengiriman per Kanal")
    pdf.grid(CHANNEL_HEAD, [channel_values(c) for c in r["channels"]],
             (38, 16, 24, 16, 18, 22, 20, 20), align=("L", "C", "C", "C", "C", "C", "C", "C"))
    pdf.paragraph("Terkonfirmasi termasuk pencabutan yang dikonfirmasi kanal. Digantikan: kanal "
                  "sudah menampilkan versi yang lebih baru atau pencabutannya, sehingga pesan ini "
                  "selesai tanpa perlu ditayangkan; tidak dihitung gagal maupun belum selesai.", 8)
    pdf.png(channel_chart(r["channels"]), 150)
    pdf.heading("III. Klasifikasi dan Sasaran Pengumuman yang Disetujui")
    rows = [(f"Klasifikasi: {k['label']}", str(k["count"])) for k in r["by_klasifikasi"]]
    rows += [(f"Sasaran: {k['label']}", str(k["count"])) for k in r["by_sasaran"]]
    pdf.grid(("Kelompok", "Jumlah"), rows, (130, 44), align=("L", "C"))
    pdf.heading("IV. Kepatuhan Waktu Layanan (SLA) per Tahap SOP")
    pdf.grid(SLA_HEAD, [sla_values(x) for x in r["sla"]], (48, 26, 18, 34, 24, 24),
             align=("L", "C", "C", "C", "C", "C"))
    pdf.png(sla_chart(r["sla"]), 150)
    pdf.heading("V. Kegagalan, Percobaan Ulang dan Pengiriman Ditahan")
    if r["failures"]:
        pdf.grid(FAIL_HEAD, [(f["number"], f["title"], f["channel_label"], f["state_label"],
                              str(f["attempts"]), f["last_error"] or "-") for f in r["failures"]],
                 (32, 40, 20, 22, 18, 42), size=7.5)
    else:
        pdf.paragraph("Tidak ada pengiriman yang gagal, diulang atau ditahan pada bulan ini.")
    pdf.heading("VI. Pengumuman yang Disebarluaskan dan Buktinya")
    if r["items"]:
        item_rows, links = [], []
        for no, it in enumerate(r["items"], 1):
            item_rows.append((str(no), it["number"], it["title"], it["version_label"],
                              it["public_state_label"] or "-", it["approved_at"],
                              it["proof_dir"] or "-"))
            links.append([None, None, it["web_url"] or None, None, None, None,
                          it["proof_uri"] or None])
        pdf.grid(ITEM_HEAD, item_rows, (8, 34, 32, 34, 20, 20, 26), size=7, links=links)
        pdf.paragraph("Setiap versi (pengumuman asli dan setiap ralat) tercatat sebagai baris "
                      "tersendiri dengan nomornya. Bukti disimpan pada folder arsip bulanan (Folder "
                      "Informasi Bulanan) di bawah direktori arsip Warta; tautan pada kolom Bukti "
                      "membuka foldernya.", 8)
        pdf.heading("VII. Bukti per Versi dan Kanal")
        proofs = proof_rows(r)
        if proofs:
            pdf.grid(PROOF_HEAD, [(it["number"], str(it["version"]), d["kind_label"],
                                   d["channel_label"], d["state_label"], d["confirmed_at"] or "-",
                                   d["sha256"] or "-") for it, d in proofs],
                     (34, 10, 18, 22, 28, 22, 40), size=7,
                     links=[[None] * 6 + [d["proof_uri"] or None] for _it, d in proofs])
            pdf.paragraph("SHA-256 manifest adalah sidik berkas manifest.json bukti pada folder "
                          "kanal (pencabutan pada subfolder pencabutan/).", 8)
        else:
            pdf.paragraph("Belum ada pengiriman yang tercatat.")
    else:
        pdf.paragraph("Tidak ada pengumuman yang disetujui pada bulan ini.")
    kadis = Signer(f"Mengetahui,\n{title_id(profile.signatory_title)}", profile.signatory_name,
                   profile.signatory_nip)
    ppid_signer = Signer("Pejabat Pengelola Informasi\ndan Dokumentasi (PPID)", ppid.name, ppid.nip)
    pdf.signatures([kadis, ppid_signer])
    return pdf.to_file(path)


def _links(ws, uris: list[str], column: int) -> None:  # noqa: ANN001 - a worksheet
    """Turn the cells of ``column`` below the heading into links where there is a folder."""
    for no, uri in enumerate(uris, 1):
        if uri:
            ws.cell(row=4 + no, column=column).hyperlink = uri
            ws.cell(row=4 + no, column=column).style = "Hyperlink"


def write_xlsx(r: dict, profile: AgencyProfile, path: Path) -> Path:
    """The report as a workbook: Ringkasan, Kanal (with a bar chart), Klasifikasi, SLA,
    Kegagalan, Pengumuman (one row per version) and Bukti (one row per delivery of each version
    with its manifest's sha256); proof folders are hyperlinks."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()

    def sheet(title: str, head: tuple[str, ...], rows: list, widths: tuple[int, ...]):  # noqa: ANN202
        ws = wb.create_sheet(title)
        ws.append([f"{profile.unit.upper()} - {TITLE.upper()}"])
        ws.append([f"Bulan {r['label']}"])
        ws["A1"].font = Font(bold=True)
        ws.append([])
        ws.append(list(head))
        for cell in ws[4]:
            cell.font, cell.border = Font(bold=True), border
            cell.fill = PatternFill("solid", fgColor="E1E6F0")
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                cell.border, cell.alignment = border, Alignment(vertical="top", wrap_text=True)
        for i, w in enumerate(widths):
            ws.column_dimensions[chr(65 + i)].width = w
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.freeze_panes = "A5"
        return ws

    if wb.active is not None:  # the empty sheet a new workbook starts with
        wb.remove(wb.active)
    sheet("Ringkasan", ("Uraian", "Jumlah"), summary_rows(r), (44, 12))
    ws = sheet("Kanal", CHANNEL_HEAD, [channel_values(c) for c in r["channels"]],
               (26, 10, 14, 10, 10, 12, 14, 16))
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title, chart.y_axis.title = "Pengiriman per kanal", "Jumlah"
    chart.add_data(Reference(ws, min_col=3, max_col=7, min_row=4, max_row=4 + len(r["channels"])),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=4 + len(r["channels"])))
    ws.add_chart(chart, "I4")
    sheet("Klasifikasi", ("Kelompok", "Nilai", "Jumlah"),
          [("Klasifikasi", k["label"], k["count"]) for k in r["by_klasifikasi"]]
          + [("Sasaran", k["label"], k["count"]) for k in r["by_sasaran"]], (16, 20, 10))
    sheet("SLA", SLA_HEAD + ("Target (menit)", "Median (menit)"),
          [sla_values(x) + [x["target_min"],
                            round(x["median_min"], 1) if x["median_min"] is not None else None]
           for x in r["sla"]], (28, 14, 10, 16, 12, 10, 14, 14))
    sheet("Kegagalan", FAIL_HEAD, [(f["number"], f["title"], f["channel_label"], f["state_label"],
                                    f["attempts"], f["last_error"]) for f in r["failures"]],
          (30, 40, 22, 18, 10, 50))
    ws = sheet("Pengumuman", ITEM_HEAD + ("Klasifikasi", "Kanal terkonfirmasi", "Tautan web",
                                          "sha256"),
               [(no, it["number"], it["title"], it["version_label"], it["public_state_label"],
                 it["approved_at"], it["proof_dir"], it["klasifikasi_label"],
                 ", ".join(it["channels"]), it["web_url"], " ".join(it["sha256"]))
                for no, it in enumerate(r["items"], 1)], (5, 30, 44, 30, 24, 20, 40, 14, 30, 40, 30))
    _links(ws, [it["proof_uri"] for it in r["items"]], column=7)
    proofs = proof_rows(r)
    ws = sheet("Bukti", PROOF_HEAD + ("Folder bukti",),
               [(it["number"], it["version"], d["kind_label"], d["channel_label"], d["state_label"],
                 d["confirmed_at"], d["sha256"], d["proof_dir"]) for it, d in proofs],
               (30, 8, 14, 24, 26, 20, 66, 50))
    _links(ws, [d["proof_uri"] for _it, d in proofs], column=8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
