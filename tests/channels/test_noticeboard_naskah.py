"""The printout as tata naskah dinas writes it, read as a person reads the paper (pdftotext -layout,
page by page): the PENGUMUMAN / NOMOR / TENTANG block, a.n./Plt./Plh. signatories from the profile,
the signature block never alone on a page, the file copy's paraf table (never on the board copy),
characters the font cannot print refused by name, and times with the office's zone."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError
from sqlalchemy import select

import channels.noticeboard.pdf as pdf_module
from channels.base import PermanentRenderError
from channels.noticeboard import NoticeboardRenderer
from channels.noticeboard.glyphs import unprintable, unprintable_reason
from shared.config import DEMO_PROFILE, AgencyProfile, load_profile
from shared.messages import Envelope, Kind, ReviewerInfo
from shared.models import OutboxRow
from shared.services.dispatch import agency_snapshot
from tests.channels.test_noticeboard import page_count, qpdf_ok
from tests.conftest import require_tool
from tests.domain.helpers import draft
from tests.factories import agency, envelope, snapshot

NUMBER = "045/PENG/DISKOMINFO/XI/2026"
ACTING = dict(signatory_acting_name="Drs. Agus Salim, M.M.", signatory_acting_nip="19700101 199503 1 002")
KADIS = "Dr. Hendra Wijaya, S.Kom., M.Si."
REVIEWERS = [
    ReviewerInfo(step="review_kabid", role="Kabid/Kasubag", name="Rina Marlina, S.Sos.",
                 nip="19800505 200501 2 003", approved_at=datetime(2026, 11, 21, 1, 10, tzinfo=timezone.utc)),
    ReviewerInfo(step="review_sekretaris", role="Sekretaris", name="Ir. Bambang Sutrisno, M.T.",
                 nip="19720303 199803 1 005", approved_at=datetime(2026, 11, 21, 1, 40, tzinfo=timezone.utc)),
    ReviewerInfo(step="review_kadis", role="Kepala Dinas", name=KADIS, nip="19750812 200003 1 004",
                 approved_at=datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)),
]


def pages_of(path) -> list[list[str]]:
    """The PDF's pages as a reader sees them: pdftotext -layout, each page's non-empty lines with
    their spacing collapsed."""
    out = subprocess.run([require_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()]
            for page in out.split("\f")[:-1]]


def lines_of(path) -> list[str]:
    return [line for page in pages_of(path) for line in page]


def render(tmp_path, snap, kind: Kind = Kind.PUBLISH):
    """(board copy, file copy) of ``snap``."""
    board, arsip = NoticeboardRenderer(tmp_path).render(envelope("print", snap, kind=kind))
    qpdf_ok(board)
    qpdf_ok(arsip)
    return board, arsip


def signatory(lines: list[str], upto: str = ",") -> list[str]:
    """The title lines of the signature block (they may wrap in its column): from under the place
    and date down to the first line ending with ``upto``."""
    start = lines.index("Pontianak, 21 November 2026") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].endswith(upto))
    return lines[start:end + 1]


def heading_block(lines: list[str]) -> list[str]:
    """The four lines from the document type down to the first line of the title."""
    start = next(i for i, line in enumerate(lines) if line.endswith("PENGUMUMAN"))
    return lines[start:start + 4]


def test_heading_is_pengumuman_nomor_tentang(tmp_path):
    snap = snapshot("renstra")
    board, arsip = render(tmp_path, snap)
    for path in (board, arsip):
        lines = lines_of(path)
        assert heading_block(lines) == ["PENGUMUMAN", f"NOMOR {NUMBER}", "TENTANG",
                                        "SOSIALISASI RENCANA STRATEGIS DINAS KOMUNIKASI DAN"]
        assert not any("Nomor:" in line for line in lines)
    # Unset signatory_mode: today's block, the approver (the Kepala Dinas) under it.
    lines = lines_of(board)
    title = signatory(lines)
    assert " ".join(title) == "KEPALA DINAS KOMUNIKASI DAN INFORMATIKA,"
    after = lines[lines.index(title[-1]) + 1:]
    assert KADIS in after and "NIP. 19750812 200003 1 004" in after
    assert not any(line.startswith(("a.n.", "Plt.", "Plh.")) for line in lines)


def test_ralat_and_pencabutan_headings_and_the_zone_of_the_time(tmp_path):
    ralat = snapshot("bansos", ident=2, revision=2, number="046/PENG/DISKOMINFO/XI/2026",
                     corrects_number="044/PENG/DISKOMINFO/XI/2026")
    board, _ = render(tmp_path / "ralat", ralat, Kind.UPDATE)
    lines = lines_of(board)
    assert heading_block(lines)[:3] == ["RALAT PENGUMUMAN", "NOMOR 046/PENG/DISKOMINFO/XI/2026", "TENTANG"]
    assert "Ralat atas Pengumuman Nomor 044/PENG/DISKOMINFO/XI/2026." in " ".join(lines)

    revoked_at = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)
    for zone, expected in (("Asia/Makassar", "pukul 12.00 WITA"), ("Asia/Jayapura", "pukul 13.00 WIT"),
                           ("Asia/Pontianak", "pukul 11.00 WIB")):
        snap = snapshot("renstra", agency=agency(zone), revoked_at=revoked_at,
                        revoked_reason="Jadwal kegiatan dibatalkan")
        board, _ = render(tmp_path / zone.replace("/", "-"), snap, Kind.REVOKE)
        lines = lines_of(board)
        assert heading_block(lines)[:3] == ["PENCABUTAN PENGUMUMAN", f"NOMOR {NUMBER}", "TENTANG"]
        text = " ".join(lines)
        assert f"dinyatakan tidak berlaku sejak Rabu, 25 November 2026 {expected}." in text, zone


def test_plt_signatory(tmp_path):
    snap = snapshot("renstra", agency=agency(signatory_mode="Plt.", **ACTING))
    board, _ = render(tmp_path, snap)
    lines = lines_of(board)
    assert " ".join(signatory(lines)) == "Plt. KEPALA DINAS KOMUNIKASI DAN INFORMATIKA,"
    # The acting official whose order the paper is signed under, not the approver in Warta.
    assert "Drs. Agus Salim, M.M." in lines and "NIP. 19700101 199503 1 002" in lines
    assert KADIS not in " ".join(lines)


def test_an_signatory(tmp_path):
    snap = snapshot("renstra", agency=agency(signatory_mode="a.n.", signatory_acting_title="Sekretaris",
                                             **ACTING))
    board, _ = render(tmp_path, snap)
    lines = lines_of(board)
    # No comma until the signing official's own title, on a line of its own.
    title = signatory(lines)
    assert title[-1] == "SEKRETARIS,"
    assert " ".join(title[:-1]) == "a.n. KEPALA DINAS KOMUNIKASI DAN INFORMATIKA"
    after = lines[lines.index("SEKRETARIS,") + 1:]
    assert "Drs. Agus Salim, M.M." in after and "NIP. 19700101 199503 1 002" in after
    assert KADIS not in " ".join(lines)


def test_profile_names_how_notices_are_signed():
    demo = load_profile(DEMO_PROFILE)
    assert demo.signatory_mode == "" and agency_snapshot(demo, "Asia/Jakarta").signatory_mode == ""
    data = demo.model_dump(exclude={"source"})
    plh = AgencyProfile.model_validate({**data, "signatory_mode": "Plh.", **ACTING})
    snap = agency_snapshot(plh, "Asia/Jakarta")
    assert (snap.signatory_mode, snap.signatory_acting_name, snap.signatory_acting_nip) == (
        "Plh.", ACTING["signatory_acting_name"], ACTING["signatory_acting_nip"])
    with pytest.raises(ValidationError, match="signatory_acting_title"):
        AgencyProfile.model_validate({**data, "signatory_mode": "a.n.", **ACTING})
    with pytest.raises(ValidationError, match="signatory_acting_name"):
        AgencyProfile.model_validate({**data, "signatory_mode": "Plt."})


LONG = "\n\n".join(f"Paragraf {i}: " + " ".join(f"ketentuan{i}x{j}" for j in range(66))
                   for i in range(5))


def _signature_page(pages: list[list[str]]) -> int:
    [page] = [i for i, lines in enumerate(pages) if "NIP. 19750812 200003 1 004" in lines]
    return page


def test_signature_block_is_never_alone_on_a_page(tmp_path, monkeypatch):
    # Without the keep-together planning this body leaves the block alone on its last page (the
    # test would prove nothing otherwise); with it, the last paragraph's lines go over with it.
    keep = pdf_module._keep_with_signature
    monkeypatch.setattr(pdf_module, "_keep_with_signature", lambda *args: None)
    unkept, _ = render(tmp_path / "unkept", snapshot("renstra", body=LONG))
    pages = pages_of(unkept)
    assert not any(line.startswith("Paragraf") or "ketentuan" in line
                   for line in pages[_signature_page(pages)])
    monkeypatch.setattr(pdf_module, "_keep_with_signature", keep)

    board, arsip = render(tmp_path / "kept", snapshot("renstra", body=LONG, reviewers=REVIEWERS))
    for path in (board, arsip):
        pages = pages_of(path)
        assert len(pages) == page_count(path) > 1
        last = _signature_page(pages)
        assert last == len(pages) - 1
        body_here = [line for line in pages[last] if "ketentuan4x" in line]
        assert len(body_here) >= 2, pages[last]  # the last paragraph's lines, not one stray line
        assert body_here[-1].endswith("ketentuan4x65")  # ...down to its last word
        before = [line for line in pages[last - 1] if "ketentuan" in line]
        assert len(before) >= 2 and f"Halaman {last} dari {len(pages)}" in pages[last - 1]


def test_file_copy_has_the_paraf_table_and_the_board_copy_does_not(tmp_path):
    snap = snapshot("renstra", reviewers=REVIEWERS)
    board, arsip = render(tmp_path, snap)
    assert arsip.name == board.name.replace(".pdf", "-arsip.pdf")
    lines = lines_of(arsip)
    assert lines[0] == "SALINAN ARSIP"
    table = lines[lines.index("PARAF HIERARKI") + 1:]
    assert table[0] == "No. Jabatan Nama dan NIP Disetujui Paraf"
    assert table[1] == "1. Kabid/Kasubag Rina Marlina, S.Sos. 21/11/2026 08.10 WIB"
    assert table[2] == "NIP. 19800505 200501 2 003"
    assert table[3] == "2. Sekretaris Ir. Bambang Sutrisno, M.T. 21/11/2026 08.40 WIB"
    assert table[4] == "NIP. 19720303 199803 1 005"
    assert len(table) == 5  # the Kepala Dinas signs: his approval is the signature, not a paraf
    board_text = " ".join(lines_of(board))
    for absent in ("SALINAN ARSIP", "PARAF", "Rina Marlina", "Bambang Sutrisno", "08.10 WIB"):
        assert absent not in board_text, absent
    assert page_count(board) == page_count(arsip) == 1

    # The pencabutan's file copy: the Kepala Dinas revokes alone, so no paraf of the chain.
    revoked = snapshot("renstra", reviewers=REVIEWERS,
                       revoked_at=datetime(2026, 11, 25, 4, tzinfo=timezone.utc))
    _, arsip = render(tmp_path / "cabut", revoked, Kind.REVOKE)
    text = " ".join(lines_of(arsip))
    assert "SALINAN ARSIP" in text and "PARAF" not in text and "Rina Marlina" not in text


def test_reviewers_come_from_the_chain_into_the_file_copy(warta, tmp_path):
    w, ids = warta, warta.ids
    item = draft(w)
    w.review.submit(ids["pelaksana1"], item)
    w.review.approve(ids["kabid1"], item)
    # back to Kabid, same revision
    w.review.return_item(ids["sekretaris1"], item, "Ringkasan terlalu panjang")
    w.review.approve(ids["kabid1"], item)
    w.review.approve(ids["sekretaris1"], item)
    w.review.approve(ids["kadis1"], item)
    with w.ctx.read() as s:
        payload = s.execute(select(OutboxRow.payload).where(
            OutboxRow.announcement_id == item, OutboxRow.channel == "print")).scalar_one()
    env = Envelope.model_validate_json(payload)
    reviewers = env.announcement.reviewers
    assert [(r.step, r.role) for r in reviewers] == [
        ("review_kabid", "Kabid/Kasubag"), ("review_sekretaris", "Sekretaris"),
        ("review_kadis", "Kepala Dinas")]
    assert reviewers[0].approved_at < reviewers[1].approved_at <= reviewers[2].approved_at
    board, arsip = NoticeboardRenderer(tmp_path).render(env)
    lines = lines_of(arsip)
    table = " ".join(lines[lines.index("PARAF HIERARKI"):])
    assert reviewers[0].name in table and reviewers[1].name in table
    assert reviewers[2].name not in table  # the Kepala Dinas signs instead
    assert reviewers[0].name not in " ".join(lines_of(board))


def test_characters_the_font_cannot_print_are_refused_by_name(tmp_path):
    body = "Ayo hadir 🙂 di acara Рождество ✅️ bersama warga."
    assert unprintable(body) == ["🙂", "Р", "о", "ж", "д", "е", "с", "т", "в", "✅", "\ufe0f"]
    assert unprintable("Café “naïve” — Rp 1.500,- ± 150 orang, ½ kuota, 09.00 WIB…") == []
    assert unprintable("tab\there\u200bzero-width\u202eoverride") == []  # cleaned away, not lost words
    reason = unprintable_reason(unprintable(body))
    assert reason.startswith("Karakter tidak dapat dicetak: 🙂 (U+1F642), Р (U+0420)")
    assert "dan 3 karakter lain" in reason

    renderer = NoticeboardRenderer(tmp_path)
    with pytest.raises(PermanentRenderError) as refused:
        renderer.render(envelope("print", snapshot("renstra", body="Rapat pukul 09.00 WIB 🙂")))
    assert str(refused.value).startswith("Karakter tidak dapat dicetak: 🙂 (U+1F642).")
    with pytest.raises(PermanentRenderError, match=r"✅ \(U\+2705\), U\+FE0F"):
        renderer.render(envelope("print", snapshot("renstra", title="Pengumuman ✅️")))
    assert not list(tmp_path.rglob("*.pdf"))  # nothing written, nothing printed
