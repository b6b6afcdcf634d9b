"""The exempt register with its consequence test: PPID records, only PPID and Kepala Dinas read."""

from __future__ import annotations

import pytest

from shared.errors import InvalidInput, Refused
from tests.records.conftest import pdf_text

ROW = dict(informasi="Laporan Hasil Audit Reguler atas Belanja Barang Tahun 2025", pasal17_huruf="17 huruf i",
           konsekuensi="Membuka temuan sebelum tindak lanjut selesai mengganggu pemeriksaan",
           pertimbangan="Kepentingan publik lebih terlindungi bila ditutup sampai tindak lanjut selesai",
           jangka_waktu="2 (dua) tahun")


def test_only_ppid_records_and_only_ppid_and_kadis_read(month):
    w, u = month.w, month.users
    with pytest.raises(Refused):
        w.exempt.add_exempt(u["kadis1"], **ROW)
    row_id = w.exempt.add_exempt(u["ppid1"], **ROW)
    for reader in ("ppid1", "kadis1"):
        rows = w.exempt.exempt_register(u[reader])
        assert [r["id"] for r in rows] == [row_id]
        assert rows[0]["pasal17_huruf"] == "i" and "Pasal 17 huruf i" in rows[0]["dasar"]
    for outsider in ("pelaksana1", "kabid1", "sekretaris1", "admin"):
        with pytest.raises(Refused, match="PPID dan Kepala Dinas"):
            w.exempt.exempt_register(u[outsider])


def test_consequence_test_is_complete(month):
    w, ppid = month.w, month.users["ppid1"]
    with pytest.raises(InvalidInput, match="a sampai j"):
        w.exempt.add_exempt(ppid, **{**ROW, "pasal17_huruf": "k"})
    with pytest.raises(InvalidInput, match="Konsekuensi"):
        w.exempt.add_exempt(ppid, **{**ROW, "konsekuensi": "  "})
    with pytest.raises(InvalidInput, match="Jangka waktu"):
        w.exempt.add_exempt(ppid, **{**ROW, "jangka_waktu": ""})


def test_register_pdf_and_cli_refusal(month, cli, tmp_path):
    month.w.exempt.add_exempt(month.users["ppid1"], **ROW)
    res = cli(["exempt", "export", "--as", "kadis1", "--output", tmp_path / "dk.pdf"], as_user="kadis1")
    assert res.exit_code == 0, res.output
    text = pdf_text(tmp_path / "dk.pdf")
    assert "DAFTAR INFORMASI YANG DIKECUALIKAN" in text and "TERBATAS" in text
    assert "UU 14/2008 Pasal 17 huruf i" in text and "mengganggu pemeriksaan" in text
    assert "2 (dua) tahun" in text
    res = cli(["exempt", "list", "--as", "kabid1"], as_user="kabid1")
    assert res.exit_code == 3 and "Laporan Hasil Audit" not in res.output
