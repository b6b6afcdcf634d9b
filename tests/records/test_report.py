"""The monthly report from the seeded month, read back from PDF (pdftotext) and XLSX (openpyxl)."""

from __future__ import annotations

import subprocess

from openpyxl import load_workbook

from shared.records.report import duration_text
from shared.slug import proof_folder as proof_slug
from tests.conftest import require_tool
from tests.records.conftest import pdf_text
from tests.records.seed import MONTH


def test_report_data(month):
    r = month.w.reports.monthly_report(MONTH)
    t = r["totals"]
    assert (t["created"], t["approved"], t["disseminated"], t["returned"]) == (4, 4, 3, 1)
    assert (t["deliveries"], t["confirmed"], t["parked"], t["retries"]) == (10, 9, 1, 6)
    web = next(c for c in r["channels"] if c["channel"] == "web")
    assert (web["total"], web["confirmed"], web["parked"], web["retries"]) == (3, 2, 1, 4)
    klas = {k["key"]: k["count"] for k in r["by_klasifikasi"]}
    assert klas == {"berkala": 2, "serta-merta": 1, "setiap-saat": 1, "dikecualikan": 0}
    assert {k["key"]: k["count"] for k in r["by_sasaran"]}["pegawai"] == 1
    kadis = next(x for x in r["sla"] if x["step"] == "review_kadis")
    assert (kadis["n"], kadis["met"], kadis["share"], kadis["median_min"]) == (4, 3, 0.75, 8)
    kabid = next(x for x in r["sla"] if x["step"] == "review_kabid")
    assert kabid["n"] == 5 and kabid["share"] == 1.0  # the returned round counts too
    assert [f["state"] for f in r["failures"]] == ["confirmed", "parked"]  # a retried one and a parked one
    assert month.w.reports.monthly_report("2026-08")["totals"]["approved"] == 0


def test_report_pdf(month, cli, tmp_path):
    out = tmp_path / "laporan.pdf"
    res = cli(["report", "monthly", "--month", MONTH, "--format", "pdf", "--output", out])
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    assert "LAPORAN BULANAN PENYEBARLUASAN INFORMASI PUBLIK" in text and "Bulan September 2026" in text
    assert "Persetujuan Kepala Dinas 10 menit 4 8 menit 3 75%" in text
    assert "Halaman web gagal ditulis: disk penuh" in text and "Ditahan (parkir)" in text
    # total, confirmed, failed, parked, superseded, open, retries
    assert "Situs web 3 2 0 1 0 0 4" in text
    for key in ("renstra", "banjir", "cuti-bersama", "struktur-organisasi"):
        assert month.numbers[key] in text.replace(" ", "")  # numbers wrap inside table cells
    assert "Yohanes Kambu, S.H." in text and "Dr. Hendra Wijaya, S.Kom., M.Si." in text
    images = subprocess.run([require_tool("pdfimages"), "-list", str(out)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert len(images) >= 3  # emblem + the per-channel chart + the SLA chart


def test_report_xlsx(month, cli, tmp_path):
    out = tmp_path / "laporan.xlsx"
    res = cli(["report", "monthly", "--month", MONTH, "--format", "xlsx", "--output", out])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Kanal", "Klasifikasi", "SLA", "Kegagalan", "Pengumuman",
                             "Bukti"]
    kanal = {r[0]: r for r in wb["Kanal"].iter_rows(min_row=5, values_only=True)}
    assert kanal["Radio"][1:] == (2, 2, 0, 0, 0, 0, 2)
    assert len(wb["Kanal"]._charts) == 1
    sla = {r[0]: r for r in wb["SLA"].iter_rows(min_row=5, values_only=True)}
    assert sla["Persetujuan Kepala Dinas"][2] == "4" and sla["Persetujuan Kepala Dinas"][5] == "75%"
    items = list(wb["Pengumuman"].iter_rows(min_row=5))
    assert len(items) == 4
    banjir = next(r for r in items if r[1].value == month.numbers["banjir"])
    assert banjir[6].value == f"2026/09/{proof_slug(month.numbers['banjir'])}/"
    assert banjir[6].hyperlink.target.startswith("file://")
    assert (month.archive / banjir[6].value).is_dir()


def test_duration_text():
    assert duration_text(0.5) == "30 detik"
    assert duration_text(65) == "1 jam 5 menit"
    assert duration_text(1440 * 2 + 180) == "2 hari 3 jam"
    assert duration_text(None) == "-"
