"""The notice-board printout: a real-text A4 PDF that qpdf accepts, with the embedded font, the
notice's words, the internal mark, ralat and pencabutan, page numbers, and CUPS printing."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels import get_renderer
from channels.base import PermanentRenderError, TransientRenderError
from channels.noticeboard import NoticeboardRenderer
from channels.noticeboard.pdf import build_pdf
from channels.noticeboard.render import notice_for
from shared.config import Settings
from shared.messages import Kind
from shared.settings import PrintSettings
from tests.conftest import require_tool
from tests.factories import envelope, snapshot

URL = "https://ppid.example.go.id/pengumuman/cuti-bersama"


def text_of(path) -> str:
    """The PDF's text as pdftotext extracts it, whitespace collapsed."""
    tool = require_tool("pdftotext")
    out = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", out.stdout)


def qpdf_ok(path) -> None:
    tool = require_tool("qpdf")
    done = subprocess.run([tool, "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def page_count(path) -> int:
    tool = require_tool("pdfinfo")
    out = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def test_pegawai_notice_pdf(tmp_path):
    renderer = get_renderer("print", tmp_path)
    assert isinstance(renderer, NoticeboardRenderer) and renderer.irreversible is True
    snap = snapshot("cuti-bersama", public_url=URL)
    path, arsip = renderer.render(envelope("print", snap))
    assert arsip.name == path.name.replace(".pdf", "-arsip.pdf") and arsip.parent == path.parent
    assert path.parent == tmp_path / "print" / "2026" / "11"
    assert path.read_bytes().startswith(b"%PDF-")
    qpdf_ok(path)
    text = text_of(path)
    for expected in ("PEMERINTAH PROVINSI KALIMANTAN BARAT", "PENGUMUMAN", "UNTUK KALANGAN INTERNAL",
                     "NOMOR 045/PENG/DISKOMINFO/XI/2026", snap.title.upper(),
                     "Pontianak, 21 November 2026", "Dr. Hendra Wijaya, S.Kom., M.Si.",
                     "NIP. 19750812 200003 1 004", "KEPALA DINAS KOMUNIKASI DAN INFORMATIKA"):
        assert expected in text, expected
    body_words = re.sub(r"\s+", " ", snap.body).split(" ")
    assert all(word in text for word in body_words)
    assert "Halaman" not in text  # one page: no page numbers
    fonts = subprocess.run([require_tool("pdffonts"), str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", line) for line in fonts), fonts
    assert any("NotoSerif" in line for line in fonts)


def test_public_notice_has_no_internal_mark(tmp_path):
    path, _ = NoticeboardRenderer(tmp_path).render(envelope("print", snapshot("renstra")))
    text = text_of(path)
    assert "UNTUK KALANGAN INTERNAL" not in text and "Sosialisasi Rencana Strategis".upper() in text


def test_revocation_and_correction(tmp_path):
    renderer = NoticeboardRenderer(tmp_path)
    revoked = snapshot("renstra", revoked_at=datetime(2026, 11, 25, 4, tzinfo=timezone.utc),
                       revoked_reason="Jadwal kegiatan dibatalkan")
    cabut, _ = renderer.render(envelope("print", revoked, kind=Kind.REVOKE))
    qpdf_ok(cabut)
    text = text_of(cabut)
    assert "PENCABUTAN PENGUMUMAN" in text
    assert "Pengumuman Nomor 045/PENG/DISKOMINFO/XI/2026" in text
    assert "Jadwal kegiatan dibatalkan" in text and "Pontianak, 25 November 2026" in text
    ralat = snapshot("bansos", ident=2, revision=2, number="046/PENG/DISKOMINFO/XI/2026",
                     corrects_number="044/PENG/DISKOMINFO/XI/2026")
    path, _ = renderer.render(envelope("print", ralat, kind=Kind.UPDATE))
    qpdf_ok(path)
    text = text_of(path)
    assert "RALAT PENGUMUMAN" in text and "044/PENG/DISKOMINFO/XI/2026" in text
    assert "RALAT PENGUMUMAN NOMOR 046/PENG/DISKOMINFO/XI/2026 TENTANG" in text
    assert len({cabut, path}) == 2 and "pencabutan" in cabut.name and "ralat" in path.name


def test_long_notice_gets_page_numbers(tmp_path):
    body = "\n\n".join(f"Paragraf {i}: " + "ketentuan pelaksanaan kegiatan " * 30 for i in range(12))
    path, _ = NoticeboardRenderer(tmp_path).render(envelope("print", snapshot("renstra", body=body)))
    qpdf_ok(path)
    pages = page_count(path)
    assert pages > 1
    text = text_of(path)
    assert f"Halaman 1 dari {pages}" in text and f"Halaman {pages} dari {pages}" in text


def test_same_envelope_twice_gives_the_same_file(tmp_path):
    renderer = NoticeboardRenderer(tmp_path)
    env = envelope("print", snapshot("cuti-bersama", public_url=URL))
    first = renderer.render(env)
    data = [p.read_bytes() for p in first]
    second = renderer.render(env)
    assert first == second and [p.read_bytes() for p in second] == data
    assert len(list((tmp_path / "print").rglob("*.pdf"))) == 2  # the board copy and the file copy


def fake_lp(tmp_path, exit_code: int, message: str = "") -> tuple[str, object]:
    """A stand-in ``lp`` on disk that records its arguments and exits with ``exit_code``."""
    log = tmp_path / "lp-args.txt"
    script = tmp_path / "bin" / "lp"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {log}\necho '{message}' >&2\nexit {exit_code}\n")
    script.chmod(0o755)
    return str(script), log


def test_printing_through_lp(tmp_path):
    lp, log = fake_lp(tmp_path, 0)
    renderer = NoticeboardRenderer(tmp_path, PrintSettings(printer="papan-lobi", lp_command=lp, copies=2))
    path, _arsip = renderer.render(envelope("print", snapshot("cuti-bersama")))
    args = log.read_text().splitlines()  # one job: the board copy, never the file copy
    assert args[:4] == ["-d", "papan-lobi", "-n", "2"] and args[-1] == str(path)


def test_printer_failure_is_transient_with_an_indonesian_reason(tmp_path):
    lp, _ = fake_lp(tmp_path, 1, "lp: The printer or class does not exist.")
    renderer = NoticeboardRenderer(tmp_path, PrintSettings(printer="tidak-ada", lp_command=lp))
    with pytest.raises(TransientRenderError, match="Pencetakan ke printer 'tidak-ada' gagal"):
        renderer.render(envelope("print", snapshot("cuti-bersama")))
    missing = NoticeboardRenderer(tmp_path, PrintSettings(printer="x", lp_command=str(tmp_path / "no-lp")))
    with pytest.raises(TransientRenderError, match="tidak ditemukan"):
        missing.render(envelope("print", snapshot("cuti-bersama")))
    assert any("tidak ada" in w for w in missing.health())


def test_printer_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_PRINT_PRINTER", "ruang-tunggu")
    assert get_renderer("print", tmp_path, Settings()).settings.printer == "ruang-tunggu"
    assert get_renderer("print", tmp_path).settings.printer is None  # no settings: the defaults
    monkeypatch.delenv("WARTA_PRINT_PRINTER")
    assert get_renderer("print", tmp_path, Settings()).settings.printer is None


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=200), body=st.one_of(st.text(max_size=600), st.just("A" * 5000)),
       number=st.text(max_size=80))
def test_hostile_text_makes_a_valid_pdf(title, body, number):
    env = envelope("print", snapshot("renstra", title=title, body=body, number=number))
    data = build_pdf(notice_for(env))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(data)
        qpdf_ok(path)


def test_the_cups_job_is_kept_and_named_when_a_job_may_have_printed(tmp_path):
    """lp answers 'request id is papan-lobi-7': the job id is kept beside the PDF, so a redelivery
    set aside as "mungkin sudah tercetak" names it for the PPID (lpstat)."""
    script = tmp_path / "bin" / "lp"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\necho 'request id is papan-lobi-7 (1 file(s))'\n")
    script.chmod(0o755)
    renderer = NoticeboardRenderer(tmp_path, PrintSettings(printer="papan-lobi",
                                                           lp_command=str(script)))
    env = envelope("print", snapshot("cuti-bersama"))
    assert renderer.maybe_done_hint(env) == ""  # nothing printed yet
    renderer.render(env)
    assert renderer.maybe_done_hint(env) == "pekerjaan CUPS papan-lobi-7"


def test_a_printer_that_hangs_is_a_persons_decision_not_a_retry(tmp_path):
    script = tmp_path / "bin" / "lp"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\nsleep 5\n")
    script.chmod(0o755)
    renderer = NoticeboardRenderer(tmp_path, PrintSettings(printer="papan-lobi", lp_command=str(script),
                                                           timeout_seconds=0.5))
    with pytest.raises(PermanentRenderError, match="mungkin sudah tercetak"):
        renderer.render(envelope("print", snapshot("cuti-bersama")))
