"""Tanda terima (receipt) of a submission and kartu kontrol (control card) per announcement, read
back with pdftotext."""

from __future__ import annotations

import hashlib

from tests.records.conftest import pdf_pages, pdf_text


def test_control_card_shows_timeline_and_sla_marks(month, cli, tmp_path):
    out = tmp_path / "kartu.pdf"
    res = cli(["item", "card", month.items["banjir"], "--output", out])
    assert res.exit_code == 0, res.output
    assert pdf_pages(out) == 1
    text = pdf_text(out)
    assert "KARTU KONTROL PENGUMUMAN" in text and month.numbers["banjir"] in text.replace(" ", "")
    assert "Dikembalikan: Lengkapi lokasi dan jam kegiatan" in text
    assert "Persetujuan Kepala Dinas" in text
    assert "35 menit / 10 menit" in text and "TERLAMBAT" in text  # the late Kepala Dinas step
    assert text.count("Tepat waktu") >= 6
    assert "Tahap tepat waktu: 6 dari 7; terlambat atau lewat batas: 1." in text
    assert "Videotron Terbit Terkonfirmasi 1" in text and "Radio Terbit Terkonfirmasi 3" in text
    assert "Versi / status publik : 1 / Berlaku" in text
    assert "Yohanes Kambu, S.H." in text


def test_receipt_for_the_latest_submission(month, cli, tmp_path):
    w = month.w
    item = w.queries.get_item(month.items["banjir"])
    out = tmp_path / "tanda-terima.pdf"
    res = cli(["item", "receipt", item["id"], "--output", out])
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    assert "TANDA TERIMA" in text and f"TT-{item['id']:05d}-R2" in text
    assert "Rina Marlina, S.I.Kom. (Pelaksana)" in text and "Minggu, 13 September 2026" in text
    digest = hashlib.sha256("\n".join([item["title"], item["summary"], item["body"]]).encode()).hexdigest()
    assert digest in text.replace(" ", "")
    first = tmp_path / "r1.pdf"
    assert cli(["item", "receipt", item["id"], "--revision", 1, "--output", first]).exit_code == 0
    assert f"TT-{item['id']:05d}-R1" in pdf_text(first)


def test_receipt_needs_a_submission_and_exempt_cards_stay_closed(month, cli, tmp_path):
    w, u = month.w, month.users
    draft = w.drafting.create_item(u["pelaksana1"], title="Draf belum diajukan", body="Isi draf",
                                   klasifikasi="berkala", sasaran="masyarakat", channels="web")
    res = cli(["item", "receipt", draft, "--output", tmp_path / "x.pdf"])
    assert res.exit_code == 3 and "belum pernah diajukan" in res.output
    secret = w.drafting.create_item(u["pelaksana1"], title="Hasil audit reguler", body="Temuan audit",
                                    klasifikasi="dikecualikan", sasaran="pimpinan", channels="")
    res = cli(["item", "card", secret, "--as", "kabid1", "--output", tmp_path / "k.pdf"], as_user="kabid1")
    assert res.exit_code == 3 and not (tmp_path / "k.pdf").exists()
    res = cli(["item", "card", secret, "--as", "ppid1", "--output", tmp_path / "k.pdf"], as_user="ppid1")
    assert res.exit_code == 0 and "Hasil audit reguler" in pdf_text(tmp_path / "k.pdf")


def test_official_documents_stay_in_bahasa_indonesia_for_an_english_operator(month, cli, tmp_path,
                                                                               monkeypatch):
    """UU 24/2009 Pasal 27: official state documents are in Bahasa Indonesia. An operator who reads
    the kiosk and the CLI in English (WARTA_LANG=en) still signs and archives an Indonesian card;
    only what the command says about it is English."""
    monkeypatch.setenv("WARTA_LANG", "en")
    out = tmp_path / "kartu-en.pdf"
    res = cli(["item", "card", month.items["banjir"], "--output", out])
    assert res.exit_code == 0, res.output
    assert "Control card written to" in res.output and "Kartu kontrol" not in res.output
    text = pdf_text(out)
    assert "KARTU KONTROL PENGUMUMAN" in text and "Persetujuan Kepala Dinas" in text
    assert "Tepat waktu" in text and "On time" not in text and "Control card" not in text
