"""The pre-subset Noto Serif the printout embeds: reproducible from the committed script, the same
glyphs and widths as the full font for every character it keeps, the same printed page, and
characters outside it never break a PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

import channels.noticeboard.pdf as pdf_module
from channels.assets import FONT_LICENCE, FONTS, SERIF_BOLD, SERIF_REGULAR
from channels.assets.make_subset import SOURCES, make_subset, unicodes
from channels.noticeboard.pdf import build_pdf
from channels.noticeboard.render import notice_for
from tests.channels.test_noticeboard import qpdf_ok, text_of
from tests.conftest import require_tool
from tests.factories import envelope, snapshot


def test_committed_subsets_are_what_the_script_makes(tmp_path):
    assert {SERIF_REGULAR.name, SERIF_BOLD.name} == set(SOURCES.values())
    for source, target in SOURCES.items():
        fresh = tmp_path / target
        make_subset(FONTS / source, fresh)
        assert fresh.read_bytes() == (FONTS / target).read_bytes(), f"run make_subset for {target}"
    assert "make_subset.py" in FONT_LICENCE.read_text()


def test_subset_keeps_every_needed_glyph_with_the_same_width():
    for source, target in SOURCES.items():
        full, sub = TTFont(FONTS / source), TTFont(FONTS / target)
        full_cmap, sub_cmap = full.getBestCmap(), sub.getBestCmap()
        wanted = {cp for cp in unicodes() if cp in full_cmap}
        assert wanted and wanted <= set(sub_cmap)
        for cp in wanted:
            assert sub["hmtx"][sub_cmap[cp]] == full["hmtx"][full_cmap[cp]], hex(cp)
        for ch in "AaÉéŞşĞğŁłÆæ–—‘’“”…•€№℃½²°×":
            assert ord(ch) in sub_cmap, ch
        assert len(sub.getGlyphOrder()) < len(full.getGlyphOrder()) // 3
        # Copyright and licence name records travel with the font.
        assert sub["name"].getDebugName(0) == full["name"].getDebugName(0)
        assert sub["name"].getDebugName(13) == full["name"].getDebugName(13)


def _page_png(data: bytes, folder: Path, name: str) -> Image.Image:
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "60", "-singlefile", str(pdf),
                    str(folder / name)], check=True, capture_output=True)
    with Image.open(folder / f"{name}.png") as img:
        return img.convert("RGB")


def test_subset_prints_the_same_page_as_the_full_font(tmp_path, monkeypatch):
    body = ("Warga Kelurahan Sungai Bangkong diminta hadir — membawa KTP/KK; “biaya” Rp 0, "
            "tempat: Aula Lt. 2 (± 150 orang, ½ kuota untuk lansia). Café, naïve, Škoda, Łódź…")
    notice = notice_for(envelope("print", snapshot("renstra", body=body, public_url="https://x.id/p")))
    subset_png = _page_png(build_pdf(notice), tmp_path, "subset")
    monkeypatch.setattr(pdf_module, "SERIF_REGULAR", FONTS / "NotoSerif-Regular.ttf")
    monkeypatch.setattr(pdf_module, "SERIF_BOLD", FONTS / "NotoSerif-Bold.ttf")
    full_png = _page_png(build_pdf(notice), tmp_path, "full")
    assert subset_png.size == full_png.size
    assert ImageChops.difference(subset_png, full_png).getbbox() is None


def test_characters_outside_the_subset_are_dropped_not_fatal(tmp_path):
    # build_pdf itself never fails on them (hostile input, previews); the renderer refuses such a
    # notice before building it, naming the characters (test_noticeboard_naskah).
    body = "Jadwal rapat Ω Ж 漢字 😀 tetap berlaku: Senin, 1 Desember 2026 – pukul 09.00 WIB."
    [path] = [tmp_path / "notice.pdf"]
    path.write_bytes(build_pdf(notice_for(envelope("print", snapshot("renstra", body=body)))))
    qpdf_ok(path)
    text = text_of(path)
    assert "Jadwal rapat" in text and "tetap berlaku: Senin, 1 Desember 2026 – pukul 09.00 WIB." in text
    assert "Ж" not in text and "😀" not in text
