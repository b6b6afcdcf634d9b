"""The DIP register: proposals from approved announcements, the PPID's review and establishment
with an SK number, earlier months readable as established, exports read back."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from shared.errors import InvalidInput, Refused
from shared.records.dip import COLUMNS
from tests.records.conftest import pdf_text
from tests.records.seed import MONTH

SK = "188/07/PPID-DISKOMINFO/IX/2026"


def _accept_all(month) -> None:  # noqa: ANN001
    w, ppid = month.w, month.users["ppid1"]
    for e in w.dip.dip_entries(MONTH)["proposals"]:
        w.dip.review_dip_entry(ppid, e["id"], True)


def test_approved_announcements_propose_rows_once(month):
    w = month.w
    assert w.dip.propose_dip_entries(MONTH) == 4
    assert w.dip.propose_dip_entries(MONTH) == 0  # idempotent
    proposals = w.dip.dip_entries(MONTH)["proposals"]
    by_item = {e["announcement_id"]: e for e in proposals}
    assert set(by_item) == set(month.items.values())
    renstra = by_item[month.items["renstra"]]
    assert renstra["jenis"] == "berkala" and renstra["bentuk"] == ["cetak", "elektronik"]
    assert renstra["waktu_pembuatan"] == "10 September 2026"
    assert "Dinas Komunikasi dan Informatika" in renstra["pejabat_unit"]
    web_only = by_item[month.items["struktur-organisasi"]]
    assert web_only["bentuk"] == ["elektronik"] and web_only["jenis"] == "setiap-saat"
    assert w.dip.dip_entries("2026-08")["proposals"] == []  # nothing from a later month leaks back


def test_establish_needs_ppid_reviewed_rows_and_an_sk(month):
    w, u = month.w, month.users
    w.dip.propose_dip_entries(MONTH)
    with pytest.raises(Refused, match="belum ditelaah"):
        w.dip.establish_dip(u["ppid1"], MONTH, SK)
    first = w.dip.dip_entries(MONTH)["proposals"][0]
    with pytest.raises(Refused, match="PPID"):
        w.dip.review_dip_entry(u["kadis1"], first["id"], True)
    with pytest.raises(Refused, match="alasan"):
        w.dip.review_dip_entry(u["ppid1"], first["id"], False, note=" ")
    w.dip.review_dip_entry(u["ppid1"], first["id"], False, note="Sudah tercakup dalam Renstra")
    _accept_all(month)
    with pytest.raises(Refused, match="PPID"):
        w.dip.establish_dip(u["kadis1"], MONTH, SK)
    with pytest.raises(InvalidInput):
        w.dip.establish_dip(u["ppid1"], MONTH, "  ")
    result = w.dip.establish_dip(u["ppid1"], MONTH, SK)
    assert result["entries"] == 3  # one of the four was rejected
    with pytest.raises(Refused, match="sudah ditetapkan"):
        w.dip.establish_dip(u["ppid1"], MONTH, "188/08/PPID/IX/2026")


def test_earlier_month_stays_as_established(month):
    w, ppid = month.w, month.users["ppid1"]
    w.dip.propose_dip_entries(MONTH)
    _accept_all(month)
    w.dip.establish_dip(ppid, MONTH, SK)
    september = w.dip.dip_document(MONTH)
    gone = september["entries"][0]
    w.dip.withdraw_dip_entry(ppid, gone["id"], "2026-10")
    w.dip.add_dip_entry(ppid, "2026-10", ringkasan="Laporan Keuangan Triwulan III 2026",
                        pejabat_unit="Sekretariat", penanggung_jawab="Sekretaris Dinas",
                        waktu_pembuatan="Oktober 2026", tempat_pembuatan="Pontianak", bentuk="elektronik",
                        jangka_waktu="10 (sepuluh) tahun", jenis="berkala")
    w.dip.establish_dip(ppid, "2026-10", "188/09/PPID/X/2026")
    assert w.dip.dip_document(MONTH) == september  # frozen: unchanged by October's changes
    october = w.dip.dip_document("2026-10")
    texts = [e["ringkasan"] for e in october["entries"]]
    assert gone["ringkasan"] not in texts
    assert "Laporan Keuangan Triwulan III 2026" in texts
    assert [v["month"] for v in w.dip.dip_versions()] == ["2026-10", MONTH]


def test_exports_read_back(month, cli, tmp_path):
    w = month.w
    w.dip.propose_dip_entries(MONTH)
    _accept_all(month)
    res = cli(["dip", "establish", "--month", MONTH, "--sk", SK, "--as", "ppid1"], as_user="ppid1")
    assert res.exit_code == 0, res.output
    titles = {k: w.queries.get_item(i)["title"] for k, i in month.items.items()}

    res = cli(["dip", "export", "--month", MONTH, "--format", "xlsx", "--output", tmp_path / "dip.xlsx"])
    assert res.exit_code == 0, res.output
    ws = load_workbook(tmp_path / "dip.xlsx").active
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "No")
    assert tuple(rows[header_at]) == COLUMNS
    body = rows[header_at + 1:]
    assert [r[0] for r in body] == [1, 2, 3, 4]
    assert any(titles["banjir"] in r[1] and r[7] == "Serta Merta" for r in body)
    assert any(SK in str(r[0]) for r in rows[:header_at])

    cli(["dip", "export", "--month", MONTH, "--format", "csv", "--output", tmp_path / "dip.csv"])
    with open(tmp_path / "dip.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert tuple(table[0]) == COLUMNS and len(table) == 5
    assert any(titles["struktur-organisasi"] in r[1] and r[5] == "Elektronik" for r in table[1:])

    cli(["dip", "export", "--month", MONTH, "--format", "pdf", "--output", tmp_path / "dip.pdf"])
    text = pdf_text(tmp_path / "dip.pdf")
    assert "DAFTAR INFORMASI PUBLIK" in text and SK in text
    assert "Bulan September 2026" in text and "Yohanes Kambu, S.H." in text
    assert "Peringatan Dini Banjir" in text and "Setiap Saat" in text


def test_unestablished_month_exports_as_draft(month, cli, tmp_path):
    res = cli(["dip", "export", "--month", "2026-08", "--format", "pdf", "--output", tmp_path / "d.pdf"])
    assert res.exit_code == 0, res.output
    assert "RANCANGAN - belum ditetapkan" in pdf_text(tmp_path / "d.pdf")
    bad = cli(["dip", "export", "--month", "2026-13", "--format", "pdf", "--output", tmp_path / "x.pdf"])
    assert bad.exit_code == 2 and "TTTT-BB" in bad.output


@pytest.mark.parametrize("who", ["pelaksana1", "kabid1", "sekretaris1", "admin"])
def test_only_ppid_or_kadis_propose_and_seal(month, who):
    w = month.w
    with pytest.raises(Refused, match="tidak berwenang mengusulkan baris DIP"):
        w.dip.propose_dip_entries(MONTH, month.users[who])
    with pytest.raises(Refused, match="tidak berwenang menyegel arsip bulanan"):
        w.reports.close_archive(MONTH, month.users[who])
    assert w.dip.dip_entries(MONTH)["proposals"] == []
    assert w.dip.propose_dip_entries(MONTH, month.users["ppid1"]) == 4
