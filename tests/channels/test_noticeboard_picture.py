"""The announcement's picture on the printed notice: embedded as an image XObject (the JPEG itself),
centred after the body inside 120 × 80 mm with its aspect ratio, the caption under it, the signature
still on the page of a one-page notice, qpdf satisfied; a broken picture prints as no picture."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from structlog.testing import capture_logs

from channels.noticeboard import NoticeboardRenderer
from channels.noticeboard.pdf import LEFT, PICTURE_BOX, PICTURE_MIN_H, WIDTH, build_pdf
from channels.noticeboard.render import notice_for
from shared.messages import Kind
from tests.channels.pictures import QUADRANTS, broken_snapshots, image_snapshot, near
from tests.channels.test_noticeboard import page_count, qpdf_ok, text_of
from tests.conftest import require_tool
from tests.factories import envelope, snapshot

URL = "https://ppid.example.go.id/items/cuti-bersama.html"
CAPTION = "Foto: Apel pagi pegawai di halaman kantor"
DPI = 50


def images_of(path: Path) -> list[dict]:
    """The image XObjects of the PDF as ``pdfimages -list`` reports them."""
    out = subprocess.run([require_tool("pdfimages"), "-list", str(path)], capture_output=True,
                         text=True, check=True).stdout.splitlines()[2:]
    keys = ("page", "num", "type", "width", "height", "color", "comp", "bpc", "enc")
    return [dict(zip(keys, line.split(), strict=False)) for line in out if line.strip()]


def picture_box_mm(path: Path, page: int = 1) -> tuple[float, float, float, float] | None:
    """(left, top, width, height) in mm of the quadrant picture on ``page``: below the letterhead
    (whose emblem is navy and gold), the rows and columns holding at least 15 mm of its four
    saturated colours (the red internal mark has far less of them; the QR code is black)."""
    stem = path.with_suffix("")
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(stem)], check=True, capture_output=True)
    with Image.open(f"{stem}.png") as img:
        rgb = img.convert("RGB")
    pixels = rgb.load()
    top = round(45 / 25.4 * DPI) if page == 1 else 0
    hits = [[y >= top and any(near(pixels[x, y], colour, 45) for colour in QUADRANTS)
             for x in range(rgb.width)] for y in range(rgb.height)]
    least = 15 / 25.4 * DPI
    rows = [y for y in range(rgb.height) if sum(hits[y]) >= least]
    cols = [x for x in range(rgb.width) if sum(hits[y][x] for y in range(rgb.height)) >= least]
    if not rows or not cols:
        return None
    x0, y0, x1, y1 = (v * 25.4 / DPI for v in (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1))
    return x0, y0, x1 - x0, y1 - y0


def render(tmp_path: Path, snap, kind: Kind = Kind.PUBLISH) -> Path:
    path, _arsip = NoticeboardRenderer(tmp_path).render(envelope("print", snap, kind=kind))
    return path


def test_picture_is_embedded_centred_after_the_body_with_its_caption(tmp_path):
    snap = snapshot("cuti-bersama", public_url=URL, image=image_snapshot(1200, 900, caption=CAPTION))
    path = render(tmp_path, snap)
    qpdf_ok(path)
    assert page_count(path) == 1  # the demo notice stays one page
    [jpeg] = [i for i in images_of(path) if i["enc"] == "jpeg"]
    assert (jpeg["width"], jpeg["height"], jpeg["color"]) == ("1200", "900", "rgb")  # as sent
    x, y, w, h = picture_box_mm(path)
    assert w <= PICTURE_BOX[0] + 1 and h <= PICTURE_BOX[1] + 1 and h >= PICTURE_MIN_H - 1
    assert abs(w / h - 4 / 3) < 0.05
    assert abs(x + w / 2 - (LEFT + WIDTH / 2)) < 1.5  # centred on the text column
    text = text_of(path)
    last_body_words = " ".join(snap.body.split()[-4:])
    assert text.index(last_body_words) < text.index(CAPTION) < text.index("Klasifikasi informasi")
    assert text.index(CAPTION) < text.index("NIP. 19750812 200003 1 004")


def test_without_a_caption_the_title_is_the_alt_text_and_no_caption_is_printed(tmp_path):
    snap = snapshot("renstra", image=image_snapshot(900, 1200))
    path = render(tmp_path / "with", snap)
    plain = render(tmp_path / "without", snapshot("renstra"))
    assert text_of(path) == text_of(plain)  # not a word more: no caption line
    expanded = tmp_path / "qdf.pdf"
    subprocess.run([require_tool("qpdf"), "--qdf", "--object-streams=disable", str(path), str(expanded)],
                   check=True)
    raw = expanded.read_bytes()
    assert b"/S /Figure" in raw and f"/Alt ({snap.title})".encode() in raw
    x, y, w, h = picture_box_mm(path)
    assert abs(w / h - 3 / 4) < 0.05 and h <= PICTURE_BOX[1] + 1


def test_the_picture_shrinks_to_keep_a_fuller_notice_on_one_page(tmp_path):
    body = "\n\n".join(["Ketentuan pelaksanaan kegiatan disampaikan sebagai berikut. " * 5] * 2)
    without = render(tmp_path / "a", snapshot("renstra", body=body))
    assert page_count(without) == 1
    path = render(tmp_path / "b", snapshot("renstra", body=body, image=image_snapshot(1200, 900)))
    qpdf_ok(path)
    assert page_count(path) == 1
    _, _, w, h = picture_box_mm(path)
    assert PICTURE_MIN_H - 1 <= h < PICTURE_BOX[1] - 5 and abs(w / h - 4 / 3) < 0.05
    assert "NIP. 19750812 200003 1 004" in text_of(path)


def test_a_long_notice_still_gets_its_picture_and_signature(tmp_path):
    body = "\n\n".join(f"Paragraf {i}: " + "ketentuan pelaksanaan kegiatan " * 30 for i in range(6))
    path = render(tmp_path, snapshot("renstra", body=body, image=image_snapshot(800, 600, CAPTION)))
    qpdf_ok(path)
    pages = page_count(path)
    assert pages > 1
    assert [i["enc"] for i in images_of(path)].count("jpeg") == 1
    text = text_of(path)
    assert CAPTION in text and "NIP. 19750812 200003 1 004" in text
    assert f"Halaman {pages} dari {pages}" in text
    found = [picture_box_mm(path, page) for page in range(1, pages + 1)]
    [(_, _, w, h)] = [box for box in found if box]
    assert abs(w / h - 4 / 3) < 0.05 and h >= PICTURE_MIN_H - 1


def test_a_very_long_caption_is_shortened_and_the_pdf_stays_sound(tmp_path):
    caption = "Keterangan gambar yang sangat panjang sekali " * 40
    path = render(tmp_path, snapshot("renstra", image=image_snapshot(800, 600, caption=caption)))
    qpdf_ok(path)
    text = text_of(path)
    assert "Keterangan gambar" in text and "…" in text
    assert text.count("Keterangan gambar") < 12


def test_a_revocation_prints_no_picture(tmp_path):
    snap = snapshot("renstra", revoked_reason="Dibatalkan", image=image_snapshot(800, 600, CAPTION))
    path = render(tmp_path, snap, Kind.REVOKE)
    qpdf_ok(path)
    assert not [i for i in images_of(path) if i["enc"] == "jpeg"]
    assert CAPTION not in text_of(path)


@pytest.mark.parametrize("kind", sorted(broken_snapshots()))
def test_a_broken_picture_prints_the_notice_without_it(tmp_path, kind):
    snap = snapshot("cuti-bersama", public_url=URL, image=broken_snapshots()[kind])
    with capture_logs() as logs:
        path = render(tmp_path / "broken", snap)
    assert any(e["event"] == "picture_left_out" and e["channel"] == "print" for e in logs), logs
    qpdf_ok(path)
    assert not [i for i in images_of(path) if i["enc"] == "jpeg"]
    plain = render(tmp_path / "plain", snapshot("cuti-bersama", public_url=URL))
    assert path.read_bytes() == plain.read_bytes()


def test_same_notice_with_a_picture_gives_the_same_bytes(tmp_path):
    env = envelope("print", snapshot("renstra", image=image_snapshot(800, 600, CAPTION)))
    first, second = build_pdf(notice_for(env)), build_pdf(notice_for(env))
    assert first == second and re.search(rb"/Filter\s*/DCTDecode", first)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.tuples(st.integers(1, 1920), st.integers(1, 1920)),
       caption=st.one_of(st.text(max_size=300), st.just("Ж😀\u202e\x00 " * 50)),
       body=st.one_of(st.text(max_size=600), st.just("Paragraf panjang. " * 400)))
def test_any_picture_and_caption_make_a_sound_pdf(size, caption, body):
    env = envelope("print", snapshot("renstra", body=body, image=image_snapshot(*size, caption=caption)))
    data = build_pdf(notice_for(env))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(data)
        qpdf_ok(path)
        assert [i["enc"] for i in images_of(path)].count("jpeg") == 1
